import { isLargeMedia } from '../../src/http/middleware/limits.js'
import { ConcurrencyGate, decideRequest, RateLimiter, retryAfterSeconds, type Bucket } from '../../src/http/rate-limit.js'

const T = 1_700_000_000_000

describe('decideRequest (60 per minute: one token a second, a minute\'s worth of burst)', () => {
  it.each<[string, Bucket | undefined, number, ReturnType<typeof decideRequest>]>([
    ['a new token starts full', undefined, T, { allowed: true, bucket: { tokens: 59, at: T }, remaining: 59 }],
    ['one left', { tokens: 1, at: T }, T, { allowed: true, bucket: { tokens: 0, at: T }, remaining: 0 }],
    ['empty: the next token in a second', { tokens: 0, at: T }, T, { allowed: false, bucket: { tokens: 0, at: T }, retryAfterMs: 1000 }],
    ['empty, 400 ms later: 600 ms to go', { tokens: 0, at: T }, T + 400, { allowed: false, bucket: { tokens: 0.4, at: T + 400 }, retryAfterMs: 600 }],
    ['empty, a second later: one more', { tokens: 0, at: T }, T + 1000, { allowed: true, bucket: { tokens: 0, at: T + 1000 }, remaining: 0 }],
    ['refill never passes the limit', { tokens: 10, at: T }, T + 3_600_000, { allowed: true, bucket: { tokens: 59, at: T + 3_600_000 }, remaining: 59 }],
    ['a clock going backwards refills nothing', { tokens: 0.5, at: T }, T - 5000, { allowed: false, bucket: { tokens: 0.5, at: T - 5000 }, retryAfterMs: 500 }]
  ])('%s', (_name, bucket, now, expected) => {
    expect(decideRequest(bucket, now, 60)).toEqual(expected)
  })

  it('lets exactly the limit through in a burst, then one per refill step', () => {
    let bucket: Bucket | undefined
    const take = (now: number): boolean => {
      const d = decideRequest(bucket, now, 5)
      bucket = d.bucket
      return d.allowed
    }
    expect([1, 2, 3, 4, 5, 6].map(() => take(T))).toEqual([true, true, true, true, true, false])
    // 5 a minute: a token every 12 s
    expect(take(T + 11_999)).toBe(false)
    expect(take(T + 12_000)).toBe(true)
    expect(take(T + 12_001)).toBe(false)
  })

  it.each([[1, 1], [999, 1], [1000, 1], [1001, 2], [59_000, 59]])('Retry-After of %d ms is %d s', (ms, s) => {
    expect(retryAfterSeconds(ms)).toBe(s)
  })
})

describe('RateLimiter', () => {
  it('keeps a bucket per key and forgets the full ones', () => {
    let now = T
    const limiter = new RateLimiter(2, () => now)
    expect([limiter.take('a').allowed, limiter.take('a').allowed, limiter.take('a').allowed]).toEqual([true, true, false])
    expect(limiter.take('b').allowed).toBe(true)
    expect(limiter.size).toBe(2)
    now += 60_000
    limiter.take('c')
    // a and b were idle a minute: full again, so forgotten
    expect(limiter.size).toBe(1)
    expect([limiter.take('a').allowed, limiter.take('a').allowed, limiter.take('a').allowed]).toEqual([true, true, false])
  })
})

describe('ConcurrencyGate', () => {
  it('refuses past the cap and frees a slot once, however often released', () => {
    const gate = new ConcurrencyGate(2)
    const a = gate.tryAcquire()
    const b = gate.tryAcquire()
    expect(gate.tryAcquire()).toBeUndefined()
    a?.()
    a?.()
    expect(gate.inUse).toBe(1)
    expect(gate.tryAcquire()).toBeDefined()
    expect(gate.tryAcquire()).toBeUndefined()
    b?.()
    expect(gate.inUse).toBe(1)
  })
})

describe('isLargeMedia', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['no body', {}, false],
    ['small JSON', { 'content-type': 'application/json', 'content-length': '1000' }, false],
    ['JSON at the threshold', { 'content-type': 'application/json', 'content-length': '1024' }, false],
    ['JSON over the threshold', { 'content-type': 'application/json', 'content-length': '1025' }, true],
    ['chunked (size unknown)', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, true],
    ['multipart, even small', { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '200' }, true]
  ])('%s', (_name, headers, large) => {
    expect(isLargeMedia(headers, 1024)).toBe(large)
  })
})
