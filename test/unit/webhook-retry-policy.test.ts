import { decideOnFailure, parseRetryAfter, retryBackoffMs, type RetrySettings } from '../../src/webhooks/retry-policy.js'

const settings: RetrySettings = { baseMs: 1_000, capMs: 60_000, windowMs: 3_600_000, rejectedAttempts: 3 }
const NOW = 1_700_000_000_000
const failed = (status: number | undefined, attempts: number, extra: { retryAfter?: string, windowStart?: number } = {}) =>
  ({ status, attempts, retryAfter: extra.retryAfter, windowStart: extra.windowStart ?? NOW, now: NOW })
const half = () => 0.5

describe('decideOnFailure', () => {
  it.each([
    ['no response', undefined, 1, { action: 'retry', delayMs: 1_000 }],
    ['500', 500, 1, { action: 'retry', delayMs: 1_000 }],
    ['503, third attempt', 503, 3, { action: 'retry', delayMs: 4_000 }],
    ['408 (timeout) is transient', 408, 5, { action: 'retry', delayMs: 16_000 }],
    ['429 (rate limited) is transient', 429, 9, { action: 'retry', delayMs: 60_000 }],
    ['400, first attempt', 400, 1, { action: 'retry', delayMs: 1_000 }],
    ['404, second attempt', 404, 2, { action: 'retry', delayMs: 2_000 }]
  ])('retries after %s', (_name, status, attempts, expected) => {
    expect(decideOnFailure(failed(status, attempts), settings, half)).toEqual(expected)
  })

  it.each([400, 401, 404, 410, 422])('dead-letters an event the receiver keeps rejecting with %d', status => {
    expect(decideOnFailure(failed(status, 3), settings, half)).toEqual({ action: 'dead', reason: `the receiver rejected the event 3 times (HTTP ${status})` })
  })

  it('honours Retry-After in seconds and as a date, capped', () => {
    expect(decideOnFailure(failed(503, 1, { retryAfter: '7' }), settings, half)).toEqual({ action: 'retry', delayMs: 7_000 })
    expect(decideOnFailure(failed(429, 1, { retryAfter: new Date(NOW + 30_000).toUTCString() }), settings, half)).toEqual({ action: 'retry', delayMs: 30_000 })
    expect(decideOnFailure(failed(429, 1, { retryAfter: '86400' }), settings, half)).toEqual({ action: 'retry', delayMs: 60_000 })
    expect(decideOnFailure(failed(503, 2, { retryAfter: 'soon' }), settings, half)).toEqual({ action: 'retry', delayMs: 2_000 })
  })

  it('dead-letters when the next try would fall after the retry window', () => {
    const windowStart = NOW - settings.windowMs + 500
    expect(decideOnFailure(failed(500, 1, { windowStart }), settings, half)).toMatchObject({ action: 'dead' })
    expect(decideOnFailure(failed(500, 1, { windowStart: NOW - 1000 }), settings, half)).toMatchObject({ action: 'retry' })
  })
})

describe('retryBackoffMs', () => {
  it('doubles per attempt with jitter in [0.5, 1.5) and is capped', () => {
    expect(retryBackoffMs(1, settings, () => 0)).toBe(500)
    expect(retryBackoffMs(1, settings, () => 0.999)).toBe(1_499)
    expect(retryBackoffMs(4, settings, half)).toBe(8_000)
    expect(retryBackoffMs(30, settings, () => 0.999)).toBe(60_000)
  })
})

describe('parseRetryAfter', () => {
  it.each([
    [undefined, undefined], [null, undefined], ['', undefined], ['abc', undefined], ['0', 0], [' 12 ', 12_000]
  ])('reads %p', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected)
  })

  it('reads an HTTP date, never negative', () => {
    expect(parseRetryAfter(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000)
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0)
  })
})
