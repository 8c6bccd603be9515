import type { Middleware } from 'koa'
import { MediaBusyError, RateLimitedError } from '../../errors.js'
import { retryAfterSeconds, type ConcurrencyGate, type RateLimiter } from '../rate-limit.js'
import type { AppState } from '../state.js'
import { hasBody } from './body.js'

/** Told when a limit refuses a request (metrics). */
export interface LimitReports { rateLimited: () => void, mediaRefused: () => void }

/** How long a client refused for media concurrency is asked to wait: a large upload takes seconds. */
export const MEDIA_RETRY_AFTER_SECONDS = 5

/**
 * The per-token request limit, mounted after the auth check (so only known tokens have buckets):
 * 429 with `Retry-After` once the token's requests per minute are used up.
 */
export function rateLimit (limiter: RateLimiter, keyOf: (state: AppState) => string, reports?: LimitReports): Middleware<AppState> {
  return async (ctx, next) => {
    const decision = limiter.take(keyOf(ctx.state))
    ctx.set('X-RateLimit-Limit', String(limiter.perMinute))
    if (!decision.allowed) {
      const seconds = retryAfterSeconds(decision.retryAfterMs)
      ctx.set('Retry-After', String(seconds))
      ctx.set('X-RateLimit-Remaining', '0')
      reports?.rateLimited()
      throw new RateLimitedError(limiter.perMinute, seconds)
    }
    ctx.set('X-RateLimit-Remaining', String(decision.remaining))
    await next()
  }
}

/** A media request is large when its body is multipart, of unknown size, or declared over `largeBytes`. */
export function isLargeMedia (headers: Record<string, string | string[] | undefined>, largeBytes: number): boolean {
  if (!hasBody(headers)) return false
  if (String(headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return true
  const length = headers['content-length']
  if (length === undefined) return true
  return Number(length) > largeBytes
}

/**
 * The cap on large media requests handled at once, mounted before the media body parser: past it
 * the request is answered 503 with `Retry-After` before its body is read, so a burst of large
 * uploads cannot fill memory or the temp folder. The slot is held until the answer is decided.
 */
export function mediaGate (gate: ConcurrencyGate, largeBytes: number, reports?: LimitReports): Middleware<AppState> {
  return async (ctx, next) => {
    if (!isLargeMedia(ctx.headers, largeBytes)) {
      await next()
      return
    }
    const release = gate.tryAcquire()
    if (release === undefined) {
      ctx.set('Retry-After', String(MEDIA_RETRY_AFTER_SECONDS))
      reports?.mediaRefused()
      throw new MediaBusyError(gate.max, MEDIA_RETRY_AFTER_SECONDS)
    }
    try {
      await next()
    } finally {
      release()
    }
  }
}
