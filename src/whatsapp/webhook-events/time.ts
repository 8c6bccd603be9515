/**
 * Times and JIDs as whatsmeow serialises them (Go's encoding/json): RFC 3339 times, the zero time
 * for "never", '' for an empty JID.
 * TODO(evmsg): source.ts carries the shared RFC 3339 helper; use it once merged and drop this file.
 */

/** Go's zero `time.Time`, which whatsmeow sends for "no time". */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/** Unix seconds as RFC 3339 (UTC); 0, NaN and negatives are Go's zero time. */
export function rfc3339 (seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return ZERO_TIME
  return new Date(Math.floor(seconds) * 1000).toISOString().replace('.000Z', 'Z')
}

/** A unix-seconds attribute of a stanza (`t`, `last`), or undefined when absent or not a number. */
export function unixAttr (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
