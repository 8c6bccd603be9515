/**
 * Data URLs (`data:image/png;base64,iVBOR...`), as wuzapi takes media. Pure and total: every input,
 * however short or odd, gives a result, never an exception. The payload is decoded once, straight
 * from the string into one buffer, after its size is known, so an oversized one is refused without
 * allocating it.
 */

/** Where the payload starts and what the header declared. */
export interface DataUrlParts { ok: true, mimetype: string | undefined, payloadStart: number }
export type DataUrlProblem = 'not-data-url' | 'not-base64' | 'empty'
export type SplitResult = DataUrlParts | { ok: false, problem: DataUrlProblem }

export type Base64Problem = 'bad-length' | 'bad-character'
export type DecodeResult = { ok: true, data: Buffer } | { ok: false, problem: Base64Problem }

/** A header longer than this is not a media type: the value is no data URL. */
const MAX_HEADER = 1024
const BASE64_MARK = ';base64'

/** True when `value` starts with `data:` (any case), the one test for "this is meant as a data URL". */
export function looksLikeDataUrl (value: string): boolean {
  return value.length >= 5 && value.slice(0, 5).toLowerCase() === 'data:'
}

/** Finds the header and the start of the base64 payload. */
export function splitDataUrl (value: string): SplitResult {
  const header = dataUrlHeader(value)
  if (header.ok && header.payloadStart >= value.length) return { ok: false, problem: 'empty' }
  return header
}

/**
 * Reads the header alone (`data:<type>;base64,`), the payload not looked at: enough for a reader
 * that has only the value's first characters. `not-data-url` also when no comma came within the
 * longest header a media type may have.
 */
export function dataUrlHeader (value: string): DataUrlParts | { ok: false, problem: 'not-data-url' | 'not-base64' } {
  if (!looksLikeDataUrl(value)) return { ok: false, problem: 'not-data-url' }
  const comma = value.indexOf(',', 5)
  if (comma < 0 || comma - 5 > MAX_HEADER) return { ok: false, problem: 'not-data-url' }
  const header = value.slice(5, comma)
  if (!header.toLowerCase().endsWith(BASE64_MARK)) return { ok: false, problem: 'not-base64' }
  const type = header.slice(0, header.length - BASE64_MARK.length).split(';')[0]?.trim().toLowerCase() ?? ''
  return { ok: true, mimetype: type === '' ? undefined : type, payloadStart: comma + 1 }
}

/** The most characters {@link dataUrlHeader} needs to decide: `data:`, the header, the comma. */
export const MAX_HEADER_CHARS = 5 + MAX_HEADER + 1

/**
 * The decoded size of padded base64 from `start` to the end of `value`, or undefined when its
 * length cannot be base64 (not a multiple of 4: cut short, or unpadded).
 */
export function base64Size (value: string, start = 0): number | undefined {
  const length = value.length - start
  if (length <= 0 || length % 4 !== 0) return undefined
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0
  return (length / 4) * 3 - padding
}

/**
 * Decodes padded base64 (standard or URL-safe alphabet) from `start`. Node's decoder skips what it
 * does not know and stops at padding, so a payload with a stray character or inner padding decodes
 * to fewer bytes than its length promises: that is how it is caught, without a pass of our own.
 */
export function decodeBase64 (value: string, start = 0): DecodeResult {
  const expected = base64Size(value, start)
  if (expected === undefined) return { ok: false, problem: 'bad-length' }
  const data = Buffer.from(start === 0 ? value : value.slice(start), 'base64')
  if (data.length !== expected) return { ok: false, problem: 'bad-character' }
  return { ok: true, data }
}
