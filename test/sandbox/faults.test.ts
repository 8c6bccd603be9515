import type { ConnectionState, WASocket } from '@whiskeysockets/baileys'
import { Sandbox, SandboxError } from '../../src/sandbox/index.js'
import type { FaultKind, VirtualPhone } from '../../src/sandbox/index.js'
import {
  Inbox,
  closeCode,
  memoryAuthState,
  pairClient,
  quietLibsignal,
  sandboxSocket,
  waitForUpdate
} from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

const PN = '5511500000001'

describe('sandbox faults on one connection', () => {
  let sb: Sandbox
  let phone: VirtualPhone
  let target: PairedClient
  let other: PairedClient
  const otherInbox = new Inbox()
  const otherCloses: Partial<ConnectionState>[] = []
  const socks: WASocket[] = []
  const restore = [quietLibsignal()]

  beforeAll(async () => {
    sb = await Sandbox.start()
    phone = sb.createPhone('5511500000009')
    target = await pairClient(sb, PN)
    other = await pairClient(sb, PN, { onSocket: s => otherInbox.attach(s) })
    other.sock.ev.on('connection.update', u => {
      if (u.connection === 'close') otherCloses.push(u)
    })
  })

  afterAll(async () => {
    await target.end()
    await other.end()
    for (const s of socks) await s.end(undefined)
    await sb.stop()
    restore.forEach(r => r())
  })

  /** The other companion of the number is still logged in: a message to the number reaches it. */
  const otherStillUp = async (): Promise<void> => {
    const id = phone.sendProto(other.jid, { conversation: 'still there?' })
    await otherInbox.waitForMessage(m => m.key.id === id)
    expect(otherCloses).toEqual([])
  }

  it.each([
    ['restart', 515],
    ['replaced', 440],
    ['drop', 428],
    ['failure', 401]
  ] as Array<[FaultKind, number]>)('%s on a device jid closes only that device (%i)', async (kind, code) => {
    const closed = waitForUpdate(target.sock, u => u.connection === 'close')
    expect(sb.fault(target.sock.user!.id, kind)).toBe(1)
    expect(closeCode(await closed)).toBe(code)
    await otherStillUp()
    await target.reconnect()
  })

  it('logout on a device jid removes only that device', async () => {
    const device = Number(/:(\d+)@/.exec(target.sock.user!.id)![1])
    const closed = waitForUpdate(target.sock, u => u.connection === 'close')
    expect(sb.fault(target.sock.user!.id, 'logout')).toBe(1)
    expect(closeCode(await closed)).toBe(401)
    await otherStillUp()
    const devices = Object.keys(sb.core.account(PN)!.devices).map(Number)
    expect(devices).not.toContain(device)
    expect(devices).toContain(Number(/:(\d+)@/.exec(other.sock.user!.id)![1]))
    expect(sb.isOnline(PN)).toBe(true)
  })

  it('qr-expire with a QR string ends only the client showing it', async () => {
    const first = sandboxSocket(sb, memoryAuthState())
    const second = sandboxSocket(sb, memoryAuthState())
    socks.push(first, second)
    const { qr: firstQr } = await waitForUpdate(first, u => !!u.qr)
    const { qr: secondQr } = await waitForUpdate(second, u => !!u.qr)
    const firstClosed = waitForUpdate(first, u => u.connection === 'close')
    expect(sb.fault(firstQr!, 'qr-expire')).toBe(1)
    expect(closeCode(await firstClosed)).toBe(408)
    expect(() => sb.fault(firstQr!, 'qr-expire')).toThrow(SandboxError)
    const secondClosed = waitForUpdate(second, u => u.connection === 'close')
    await sb.scanQr(secondQr!, '5511500000002')
    expect(closeCode(await secondClosed)).toBe(515)
  })
})

describe('sandbox errors callers can switch on', () => {
  let sb: Sandbox
  const restore = [quietLibsignal()]

  beforeAll(async () => {
    sb = await Sandbox.start()
  })

  afterAll(async () => {
    await sb.stop()
    restore.forEach(r => r())
  })

  const kindOf = async (fn: () => unknown): Promise<string> => {
    try {
      await fn()
    } catch (err) {
      return err instanceof SandboxError ? `${err.kind}: ${err.message}` : `not a SandboxError: ${String(err)}`
    }
    return 'no error'
  }

  it('names what was not found, with the message kept', async () => {
    const phone = sb.createPhone('5511500000010')
    expect(await kindOf(() => sb.phone('5511500000099'))).toBe('unknown_number: unknown number 5511500000099')
    expect(await kindOf(() => phone.sendProto('5511500000099@s.whatsapp.net', { conversation: 'x' })))
      .toBe('unknown_recipient: unknown recipient 5511500000099@s.whatsapp.net')
    expect(await kindOf(() => phone.sendProto('120363000000000001@g.us', { conversation: 'x' })))
      .toBe('unknown_group: unknown group 120363000000000001@g.us')
    expect(await kindOf(() => sb.fault('5511500000099', 'restart'))).toBe('unknown_target: unknown target 5511500000099')
    expect(await kindOf(() => sb.scanQr('hello', '5511500000010'))).toBe('invalid_qr: not a WhatsApp pairing QR: hello')
    expect(await kindOf(() => sb.scanQr('ref,bm9pc2U=,aWQ=,YWR2,web', '5511500000010')))
      .toBe('no_qr_client: no connected client shows this QR')
    expect(await kindOf(() => sb.completePairingCode('ABCD1234', '5511500000010')))
      .toBe('no_pairing_request: no pending pairing-code request for 5511500000010')
  })
})
