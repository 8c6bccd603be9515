import { goTime } from './source.js'

/** Stanza times (Unix seconds in attributes) as whatsmeow serialises them: see {@link goTime}. */

/** Unix seconds as RFC 3339 (UTC, whole seconds); absent, 0, NaN and negatives are Go's zero time. */
export function rfc3339 (seconds: number | undefined): string {
  return goTime(seconds === undefined ? 0 : Math.floor(seconds) * 1000)
}

/** A unix-seconds attribute of a stanza (`t`, `last`), or undefined when absent or not a number. */
export function unixAttr (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
