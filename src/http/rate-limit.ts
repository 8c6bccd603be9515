/**
 * Per-token request limits: a token bucket per token holding up to a minute's worth of requests,
 * refilled continuously. The decision is a pure function of the bucket, the clock and the limit,
 * like the reconnect and retry policies; {@link RateLimiter} keeps the buckets.
 */

/** A token's bucket: the requests it may still make (fractional while refilling) as of `at` (ms). */
export interface Bucket { tokens: number, at: number }

export type RateDecision =
  | { allowed: true, bucket: Bucket, remaining: number }
  | { allowed: false, bucket: Bucket, retryAfterMs: number }

/**
 * Whether one more request may pass: the bucket is refilled by the time since `at` (never beyond
 * `perMinute`; a clock going backwards refills nothing), then a request takes one token. Refused,
 * `retryAfterMs` is when the next token is there.
 */
export function decideRequest (bucket: Bucket | undefined, now: number, perMinute: number): RateDecision {
  const ratePerMs = perMinute / 60_000
  const elapsed = bucket === undefined ? 0 : Math.max(0, now - bucket.at)
  const tokens = bucket === undefined ? perMinute : Math.min(perMinute, bucket.tokens + elapsed * ratePerMs)
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, at: now }, remaining: Math.floor(tokens - 1) }
  return { allowed: false, bucket: { tokens, at: now }, retryAfterMs: Math.ceil((1 - tokens) / ratePerMs) }
}

/** `Retry-After` is whole seconds: rounded up, at least 1. */
export function retryAfterSeconds (ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

/** The buckets of every token seen; a bucket full again (idle a minute or more) is forgotten. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private lastSweep: number

  constructor (readonly perMinute: number, private readonly now: () => number = Date.now) {
    this.lastSweep = now()
  }

  take (key: string): RateDecision {
    const now = this.now()
    const decision = decideRequest(this.buckets.get(key), now, this.perMinute)
    this.buckets.set(key, decision.bucket)
    if (now - this.lastSweep >= 60_000) this.sweep(now)
    return decision
  }

  get size (): number { return this.buckets.size }

  private sweep (now: number): void {
    this.lastSweep = now
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= 60_000) this.buckets.delete(key)
  }
}

/** A cap on things done at once, without a queue: a slot is taken or refused at once. */
export class ConcurrencyGate {
  private active = 0

  constructor (readonly max: number) {}

  /** A release function (idempotent), or undefined when every slot is taken. */
  tryAcquire (): (() => void) | undefined {
    if (this.active >= this.max) return undefined
    this.active++
    let released = false
    return () => {
      if (released) return
      released = true
      this.active--
    }
  }

  get inUse (): number { return this.active }
}
