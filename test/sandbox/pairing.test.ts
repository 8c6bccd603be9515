import { Sandbox } from '../../src/sandbox/index.js'
import {
  closeCode,
  memoryAuthState,
  pairClient,
  quietLibsignal,
  sandboxSocket,
  waitForUpdate
} from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'
import type { WASocket } from '@whiskeysockets/baileys'

describe('sandbox pairing and login', () => {
  let sb: Sandbox
  const clients: PairedClient[] = []
  const socks: WASocket[] = []
  const restore = [quietLibsignal()]

  beforeAll(async () => {
    sb = await Sandbox.start({ qrRefs: 2 })
  })

  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined)
    for (const s of socks) await s.end(undefined).catch(() => undefined)
    await sb.stop()
    restore.forEach(r => r())
  })

  it('pairs by QR, restarts with 515, opens, and logs in again without QR', async () => {
    const client = await pairClient(sb, '5511999990001')
    clients.push(client)
    expect(client.sock.user?.id).toMatch(/^5511999990001:\d+@s\.whatsapp\.net$/)
    expect(client.sock.user?.lid).toMatch(/@lid$/)
    let sawQr = false
    const sock = await client.reconnect()
    sock.ev.on('connection.update', u => {
      if (u.qr) sawQr = true
    })
    expect(sock.user?.id).toBe(client.auth.creds.me?.id)
    expect(sawQr).toBe(false)
    expect(sb.isOnline('5511999990001')).toBe(true)
  })

  it('pairs with a pairing code', async () => {
    const auth = memoryAuthState()
    const sock = sandboxSocket(sb, auth)
    socks.push(sock)
    await waitForUpdate(sock, u => !!u.qr)
    const code = await sock.requestPairingCode('5511999990002')
    expect(code).toHaveLength(8)
    const closed = waitForUpdate(sock, u => u.connection === 'close')
    const result = await sb.completePairingCode(code, '5511999990002')
    expect(result.jid).toMatch(/^5511999990002:\d+@s\.whatsapp\.net$/)
    expect(closeCode(await closed)).toBe(515)
    expect(auth.creds.me?.id).toBe(result.jid)
    const again = sandboxSocket(sb, auth)
    socks.push(again)
    await waitForUpdate(again, u => u.connection === 'open')
    expect(again.user?.lid).toBe(result.lid)
  })

  it('ends the QR phase on qr-expire with "QR refs attempts ended" (408)', async () => {
    const sock = sandboxSocket(sb, memoryAuthState())
    socks.push(sock)
    await waitForUpdate(sock, u => !!u.qr)
    const closed = waitForUpdate(sock, u => u.connection === 'close')
    expect(sb.fault('', 'qr-expire')).toBeGreaterThanOrEqual(1)
    const u = await closed
    expect(closeCode(u)).toBe(408)
    expect(u.lastDisconnect?.error?.message).toBe('QR refs attempts ended')
  })

  it('rejects a login with unknown credentials with 401', async () => {
    const auth = memoryAuthState()
    auth.creds.me = { id: '5511999990009:3@s.whatsapp.net', name: 'x' }
    const sock = sandboxSocket(sb, auth)
    socks.push(sock)
    const u = await waitForUpdate(sock, x => x.connection === 'close')
    expect(closeCode(u)).toBe(401)
  })

  it.each([
    ['restart', 515, true],
    ['replaced', 440, true],
    ['drop', 428, true],
    ['failure', 401, true],
    ['logout', 401, false]
  ] as const)('fault %s closes the socket with %i; the login still works afterwards: %s', async (kind, code, kept) => {
    const pn = `55119999901${code}${kind.length}`
    const client = await pairClient(sb, pn)
    clients.push(client)
    const closed = waitForUpdate(client.sock, u => u.connection === 'close')
    expect(sb.fault(pn, kind)).toBeGreaterThanOrEqual(1)
    expect(closeCode(await closed)).toBe(code)
    const again = sandboxSocket(sb, client.auth)
    socks.push(again)
    const next = await waitForUpdate(again, u => u.connection === 'open' || u.connection === 'close')
    expect(next.connection).toBe(kept ? 'open' : 'close')
    if (!kept) expect(closeCode(next)).toBe(401)
  })
  it('a scan whose device disconnects before signing fails instead of waiting forever', async () => {
    const sock = sandboxSocket(sb, memoryAuthState())
    socks.push(sock)
    const { qr } = await waitForUpdate(sock, u => !!u.qr)
    const scan = sb.scanQr(qr!, '5511999990009').catch((err: unknown) => err)
    // Baileys stops reading at once: the pair-success is never answered
    await sock.end(undefined)
    expect(await scan).toMatchObject({ name: 'SandboxError', kind: 'pairing_aborted' })
  })
})
