import type { Base64Problem } from './data-url.js'

/** Both alphabets Node's decoder knows (standard and URL-safe), as the in-memory path accepts them. */
const ALPHABET = /^[A-Za-z0-9+/_-]*$/
const PADDING = /^=*$/

export type ChunkResult = { ok: true, data: Buffer } | { ok: false, problem: Base64Problem }

/**
 * Decodes padded base64 that arrives in pieces of any length. Whole 4-character groups are decoded
 * as they come and the 0–3 characters left over are carried into the next piece, so a piece may end
 * anywhere. Characters outside the alphabet, padding before the end and more than two `=` are
 * refused as they are seen; a total length that is not a multiple of 4 is refused at the end.
 */
export class Base64StreamDecoder {
  private carry = ''
  private padding = 0
  private failed: Base64Problem | undefined
  /** Characters taken so far. */
  length = 0

  push (piece: string): ChunkResult {
    if (this.failed !== undefined) return { ok: false, problem: this.failed }
    const pad = piece.indexOf('=')
    const data = pad < 0 ? piece : piece.slice(0, pad)
    const tail = pad < 0 ? '' : piece.slice(pad)
    if ((this.padding > 0 && data !== '') || !ALPHABET.test(data) || !PADDING.test(tail) || this.padding + tail.length > 2) {
      return this.fail('bad-character')
    }
    this.padding += tail.length
    this.length += piece.length
    const text = this.carry + piece
    const whole = text.length - (text.length % 4)
    this.carry = text.slice(whole)
    return { ok: true, data: whole === 0 ? Buffer.alloc(0) : Buffer.from(text.slice(0, whole), 'base64') }
  }

  /** The end of the payload: nothing may be left over. */
  end (): ChunkResult {
    if (this.failed !== undefined) return { ok: false, problem: this.failed }
    if (this.carry !== '') return this.fail('bad-length')
    return { ok: true, data: Buffer.alloc(0) }
  }

  private fail (problem: Base64Problem): ChunkResult {
    this.failed = problem
    return { ok: false, problem }
  }
}
