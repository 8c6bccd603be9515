import type { BinaryNode, WAMessage, WASocket } from '@whiskeysockets/baileys'
import { Sandbox } from '../../src/sandbox/index.js'
import type { VirtualPhone } from '../../src/sandbox/index.js'
import { pairClient, quietLibsignal } from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

/** Waits until `check` holds, polling, or fails after `ms`. */
async function until (check: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/** A `beforeMessageReceipt` hook a test steers: pass, hang until released, or throw. */
class ReceiptHook {
  mode: 'pass' | 'hang' | 'throw' = 'pass'
  readonly calls: Array<{ id: string; offline: boolean }> = []
  private gates: Array<() => void> = []

  readonly run = async (msg: WAMessage, info: { offline: boolean }): Promise<void> => {
    this.calls.push({ id: msg.key.id ?? '', offline: info.offline })
    if (this.mode === 'throw') throw new Error('the application could not store the message')
    if (this.mode === 'hang') await new Promise<void>(resolve => this.gates.push(resolve))
  }

  /** Lets every hanging call return. */
  release (): void {
    for (const g of this.gates.splice(0)) g()
  }

  async called (id: string, offline: boolean): Promise<void> {
    await until(() => this.calls.some(c => c.id === id && c.offline === offline), `hook call for ${id} (offline ${offline})`)
  }
}

/** What one socket saw on the wire: `<message>` stanzas and the `<ib><offline count>` of its login. */
class Wire {
  readonly messages: BinaryNode[] = []
  offlineCount?: number

  constructor (sock: WASocket) {
    sock.ws.on('CB:message', (n: BinaryNode) => this.messages.push(n))
    sock.ws.on('CB:ib,,offline', (n: BinaryNode) => {
      const child = Array.isArray(n.content) ? n.content.find(c => c.tag === 'offline') : undefined
      this.offlineCount = Number(child?.attrs.count)
    })
  }

  async loggedIn (): Promise<number> {
    await until(() => this.offlineCount !== undefined, 'the offline batch to end')
    return this.offlineCount!
  }
}

describe('sandbox keeps stanzas until the device acknowledges them', () => {
  let sb: Sandbox
  let carol: VirtualPhone
  let dave: VirtualPhone
  const clients: PairedClient[] = []
  const hooks: ReceiptHook[] = []
  const restore = [quietLibsignal()]

  /** Pairs a client whose every socket runs `hook` and records its wire in `wires` (newest last). */
  const pair = async (pn: string, hook: ReceiptHook, wires: Wire[]): Promise<{ client: PairedClient; device: string }> => {
    hooks.push(hook)
    const client = await pairClient(sb, pn, {
      extra: { beforeMessageReceipt: hook.run },
      onSocket: s => { wires.push(new Wire(s)) }
    })
    clients.push(client)
    const device = client.auth.creds.me!.id
    // the first-login history sync and app-state key share are messages too; once their receipts are in, nothing is kept
    await until(() => sb.unacked(device).length === 0, 'the history sync receipt')
    return { client, device }
  }

  beforeAll(async () => {
    sb = await Sandbox.start()
    carol = sb.createPhone('5511777780003', 'Carol')
    dave = sb.createPhone('5511777780004', 'Dave')
  })

  afterAll(async () => {
    for (const h of hooks) h.release()
    for (const c of clients) await c.end()
    await sb.stop()
    restore.forEach(r => r())
  })

  it('redelivers a message whose receipt never left, until the receipt comes; then never again', async () => {
    const hook = new ReceiptHook()
    const wires: Wire[] = []
    const { client, device } = await pair('5511999980001', hook, wires)

    hook.mode = 'hang'
    const id = await carol.sendText(client.jid, 'keep me until you have me')
    await hook.called(id, false)
    expect(sb.unacked(device)).toEqual([{ tag: 'message', id }])

    await client.reconnect()
    expect(await wires.at(-1)!.loggedIn()).toBe(1)
    await hook.called(id, true)
    const again = wires.at(-1)!.messages.find(n => n.attrs.id === id)
    expect(again?.attrs.offline).toBe('1')
    expect(sb.unacked(device)).toEqual([{ tag: 'message', id }])
    expect(carol.receipts().some(r => r.ids.includes(id))).toBe(false)

    hook.release()
    await carol.waitForReceipt(r => r.ids.includes(id))
    await until(() => sb.unacked(device).length === 0, 'the receipt to release the message')

    hook.mode = 'pass'
    const before = hook.calls.length
    await client.reconnect()
    expect(await wires.at(-1)!.loggedIn()).toBe(0)
    const marker = await carol.sendText(client.jid, 'after the third login')
    await hook.called(marker, false)
    expect(hook.calls.slice(before)).toEqual([{ id: marker, offline: false }])
    expect(wires.at(-1)!.messages.map(n => n.attrs.id)).toEqual([marker])
  })

  it('hands an offline device its queue in order, marked offline, and nothing twice', async () => {
    const hook = new ReceiptHook()
    const wires: Wire[] = []
    const { client, device } = await pair('5511999980002', hook, wires)

    await client.end()
    const sent: string[] = []
    sent.push(await carol.sendText(client.jid, 'one'))
    sent.push(await dave.sendText(client.jid, 'two'))
    sent.push(await carol.sendText(client.jid, 'three'))
    sent.push(await dave.sendText(client.jid, 'four'))
    sent.push(await carol.sendText(client.jid, 'five'))
    expect(sb.unacked(device).map(s => s.id)).toEqual(sent)

    await client.reconnect()
    const wire = wires.at(-1)!
    expect(await wire.loggedIn()).toBe(sent.length)
    expect(wire.messages.map(n => [n.attrs.id, n.attrs.offline])).toEqual(sent.map(id => [id, '1']))
    await until(() => sent.every(id => hook.calls.some(c => c.id === id)), 'every message to reach the application')
    expect(hook.calls.slice(-sent.length)).toEqual(sent.map(id => ({ id, offline: true })))
    await until(() => sb.unacked(device).length === 0, 'every receipt')
    for (const id of sent) await (sent.indexOf(id) % 2 ? dave : carol).waitForReceipt(r => r.ids.includes(id))

    await client.reconnect()
    expect(await wires.at(-1)!.loggedIn()).toBe(0)
    expect(wires.at(-1)!.messages).toEqual([])
  })

  it('redelivers a message the client nacked because its hook threw', async () => {
    const hook = new ReceiptHook()
    const wires: Wire[] = []
    const { client, device } = await pair('5511999980003', hook, wires)

    hook.mode = 'throw'
    const failed = await carol.sendText(client.jid, 'the hook throws on this one')
    await hook.called(failed, false)
    hook.mode = 'pass'
    // messages are handled one at a time: once this one's receipt is in, the nack before it is too
    const probe = await carol.sendText(client.jid, 'this one is stored')
    await carol.waitForReceipt(r => r.ids.includes(probe))
    await until(() => sb.unacked(device).every(s => s.id !== probe), 'the probe to be released')
    expect(sb.unacked(device)).toEqual([{ tag: 'message', id: failed }])
    expect(carol.receipts().some(r => r.ids.includes(failed))).toBe(false)

    await client.reconnect()
    expect(await wires.at(-1)!.loggedIn()).toBe(1)
    await hook.called(failed, true)
    await carol.waitForReceipt(r => r.ids.includes(failed))
    await until(() => sb.unacked(device).length === 0, 'the redelivered message to be released')
  })
})
