import type { StopCause } from './types.js'

/**
 * What to do after a socket closed. A `restart` reconnect (515, normal after pairing) is not a
 * failure: it does not count as a reconnect attempt.
 */
export type CloseDecision =
  | { action: 'none' }
  | { action: 'reconnect', delayMs: number, restart: boolean }
  | { action: 'logged_out', reason: string }
  | { action: 'stop', reason: string, cause: Exclude<StopCause, 'user'> }

/** The disconnect facts the policy looks at (from Baileys' `lastDisconnect.error`). */
export interface CloseInfo {
  /** Boom status code, or undefined for our own `end(undefined)`. */
  code: number | undefined
  message: string | undefined
  /** True when the close was asked for by us (disconnect/logout). */
  intentional: boolean
}

export const RECONNECT_BASE_MS = 1_000
export const RECONNECT_CAP_MS = 60_000

const LOGGED_OUT: Record<number, string> = { 401: 'logged out from the phone', 403: 'account forbidden', 406: 'logged out (banned or unknown reason)' }
const STOP: Record<number, { reason: string, cause: 'replaced' | 'refused' }> = {
  402: { reason: 'temporarily banned', cause: 'refused' },
  405: { reason: 'client version outdated', cause: 'refused' },
  409: { reason: 'bad user agent', cause: 'refused' },
  411: { reason: 'multi-device mismatch', cause: 'refused' },
  440: { reason: 'replaced by another connection with the same login', cause: 'replaced' }
}

/** Exponential backoff with jitter in [0.5, 1.5) of the step, capped. */
export function backoffMs (attempt: number, random: () => number = Math.random): number {
  const step = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt))
  return Math.min(RECONNECT_CAP_MS, Math.round(step * (0.5 + random())))
}

/**
 * The reconnect policy by disconnect reason, in one place:
 * 515 reconnect at once; 401/403/406 logged out (wipe); 440 and other fatal codes stop (no loop);
 * QR expiry stops; anything else reconnects with capped, jittered backoff.
 */
export function decideOnClose (info: CloseInfo, attempt: number, random?: () => number): CloseDecision {
  if (info.intentional || info.code === undefined) return { action: 'none' }
  // Baileys signals QR expiry only by this message (its code, 408, is also every timeout's)
  if (info.message === 'QR refs attempts ended') return { action: 'stop', reason: 'QR code expired: nobody scanned it', cause: 'qr_timeout' }
  if (info.code === 515) return { action: 'reconnect', delayMs: 0, restart: true }
  const loggedOut = LOGGED_OUT[info.code]
  if (loggedOut !== undefined) return { action: 'logged_out', reason: loggedOut }
  const stop = STOP[info.code]
  if (stop !== undefined) return { action: 'stop', ...stop }
  return { action: 'reconnect', delayMs: backoffMs(attempt, random), restart: false }
}
