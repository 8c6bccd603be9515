import { backoffMs, decideOnClose, RECONNECT_CAP_MS } from '../../src/whatsapp/reconnect-policy.js'

const close = (code: number | undefined, message = 'x', intentional = false) => ({ code, message, intentional })

describe('decideOnClose', () => {
  it('does nothing after our own disconnect or logout', () => {
    expect(decideOnClose(close(undefined), 0)).toEqual({ action: 'none' })
    expect(decideOnClose(close(428, 'Connection Closed', true), 0)).toEqual({ action: 'none' })
  })

  it('reconnects at once on 515 (restart required, normal after pairing)', () => {
    expect(decideOnClose(close(515, 'Stream Errored (restart required)'), 5)).toEqual({ action: 'reconnect', delayMs: 0, restart: true })
  })

  it.each([401, 403, 406])('marks %d as logged out', code => {
    expect(decideOnClose(close(code), 0).action).toBe('logged_out')
  })

  it.each([[440, 'replaced'], [402, 'refused'], [405, 'refused'], [409, 'refused'], [411, 'refused']])('stops on %d without looping (%s)', (code, cause) => {
    expect(decideOnClose(close(code), 0)).toMatchObject({ action: 'stop', cause })
  })

  it('stops when the QR expired', () => {
    expect(decideOnClose(close(408, 'QR refs attempts ended'), 0)).toEqual({ action: 'stop', reason: 'QR code expired: nobody scanned it', cause: 'qr_timeout' })
  })

  it.each([408, 428, 500, 503])('backs off on %d', code => {
    const decision = decideOnClose(close(code), 2, () => 0.5)
    expect(decision).toEqual({ action: 'reconnect', delayMs: 4000, restart: false })
  })
})

describe('backoffMs', () => {
  it('doubles per attempt with jitter and is capped', () => {
    expect(backoffMs(0, () => 0)).toBe(500)
    expect(backoffMs(0, () => 0.999)).toBe(1499)
    expect(backoffMs(3, () => 0.5)).toBe(8000)
    expect(backoffMs(20, () => 0.999)).toBe(RECONNECT_CAP_MS)
  })
})
