/**
 * What to do after a webhook delivery attempt failed: try again later, or give up (dead letter).
 * A pure decision, like the reconnect policy: the worker records what it decides.
 */
export type RetryDecision =
  | { action: 'retry', delayMs: number }
  | { action: 'dead', reason: string }

/** The facts of a failed attempt. */
export interface FailedAttempt {
  /** The receiver's HTTP status, or undefined when no response came (network error, timeout, refused address). */
  status: number | undefined
  /** `Retry-After` as the receiver sent it, if any. */
  retryAfter: string | null | undefined
  /** Attempts made so far, this one included. */
  attempts: number
  /** When the retry window started (ms). */
  windowStart: number
  now: number
}

export interface RetrySettings {
  baseMs: number
  capMs: number
  /** How long failed deliveries are retried before they are dead-lettered. */
  windowMs: number
  /** Attempts after which an event a receiver rejects as bad (4xx other than 408/429) is dead-lettered. */
  rejectedAttempts: number
}

export const DEFAULT_RETRY: RetrySettings = { baseMs: 1_000, capMs: 5 * 60_000, windowMs: 24 * 60 * 60_000, rejectedAttempts: 3 }

/** Statuses that mean "later" rather than "never": timeouts and rate limits. */
const TRANSIENT_4XX: ReadonlySet<number> = new Set([408, 429])

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter (value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Exponential backoff with jitter in [0.5, 1.5) of the step, capped. */
export function retryBackoffMs (attempts: number, settings: RetrySettings, random: () => number = Math.random): number {
  const step = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempts - 1))
  return Math.min(settings.capMs, Math.round(step * (0.5 + random())))
}

/**
 * Retries with capped, jittered exponential backoff, honouring `Retry-After` (up to the cap),
 * for the retry window; a receiver that keeps rejecting an event with a 4xx other than 408/429
 * gets it dead-lettered after a few tries, so one bad event does not block the queue.
 */
export function decideOnFailure (attempt: FailedAttempt, settings: RetrySettings = DEFAULT_RETRY, random?: () => number): RetryDecision {
  const { status } = attempt
  const rejected = status !== undefined && status >= 400 && status < 500 && !TRANSIENT_4XX.has(status)
  if (rejected && attempt.attempts >= settings.rejectedAttempts) {
    return { action: 'dead', reason: `the receiver rejected the event ${attempt.attempts} times (HTTP ${status})` }
  }
  const asked = parseRetryAfter(attempt.retryAfter, attempt.now)
  const delayMs = asked !== undefined ? Math.min(settings.capMs, asked) : retryBackoffMs(attempt.attempts, settings, random)
  if (attempt.now + delayMs > attempt.windowStart + settings.windowMs) {
    return { action: 'dead', reason: `not delivered within the retry window (${Math.round(settings.windowMs / 60_000)} min)` }
  }
  return { action: 'retry', delayMs }
}
