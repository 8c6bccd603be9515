import { formatUptime } from '../../src/services/health.js'

describe('formatUptime', () => {
  it.each([[0, '0s'], [45.9, '45s'], [61, '1m1s'], [3723, '1h2m3s'], [90000, '25h0m0s']])('formats %d seconds as %s', (s, text) => {
    expect(formatUptime(s)).toBe(text)
  })
})
