import { randomBytes } from 'node:crypto'
import { Base64StreamDecoder } from '../../src/media/base64-stream.js'

/** Feeds `text` cut at the given offsets; the decoded bytes, or the first problem. */
function decode (text: string, cuts: number[]): Buffer | string {
  const decoder = new Base64StreamDecoder()
  const out: Buffer[] = []
  let from = 0
  for (const to of [...cuts, text.length]) {
    const r = decoder.push(text.slice(from, to))
    if (!r.ok) return r.problem
    out.push(r.data)
    from = to
  }
  const end = decoder.end()
  if (!end.ok) return end.problem
  return Buffer.concat(out)
}

describe('Base64StreamDecoder', () => {
  it.each([0, 1, 2, 3, 4, 5, 30, 31, 32])('decodes %i bytes cut at every offset, in one and in two places', size => {
    const bytes = randomBytes(size)
    const text = bytes.toString('base64')
    expect(decode(text, [])).toEqual(bytes)
    for (let i = 0; i <= text.length; i++) {
      expect(decode(text, [i])).toEqual(bytes)
      for (let j = i; j <= text.length; j++) expect(decode(text, [i, j])).toEqual(bytes)
    }
  })

  it('decodes one character at a time, and the URL-safe alphabet', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f, 0xfe])
    const standard = bytes.toString('base64')
    const cuts = Array.from({ length: standard.length }, (_, i) => i)
    expect(decode(standard, cuts)).toEqual(bytes)
    expect(decode(bytes.toString('base64url') + '==', cuts)).toEqual(bytes)
  })

  it.each([
    ['a length not a multiple of 4', 'QUJDRA', 'bad-length'],
    ['unpadded', 'QQ', 'bad-length'],
    ['cut after the padding started', 'QQ=', 'bad-length'],
    ['three padding characters', 'Q===', 'bad-character'],
    ['data after padding', 'QQ==QUJD', 'bad-character'],
    ['padding inside a group', 'Q=Q=', 'bad-character'],
    ['a character outside the alphabet', 'QU*D', 'bad-character'],
    ['a space', 'QUJD RA==', 'bad-character'],
    ['a newline', 'QUJD\nRA==', 'bad-character'],
    ['a non-ASCII letter', 'QUJé', 'bad-character']
  ])('refuses %s, wherever it is cut', (_name, text, problem) => {
    for (let i = 0; i <= text.length; i++) expect(decode(text, [i])).toBe(problem)
  })

  it('stays failed once it failed', () => {
    const decoder = new Base64StreamDecoder()
    expect(decoder.push('QU*D')).toEqual({ ok: false, problem: 'bad-character' })
    expect(decoder.push('QUJD')).toEqual({ ok: false, problem: 'bad-character' })
    expect(decoder.end()).toEqual({ ok: false, problem: 'bad-character' })
  })
})
