import { BufferJSON } from '@whiskeysockets/baileys'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DirStore, Sandbox } from '../../src/sandbox/index.js'
import type { StoreStats } from '../../src/sandbox/index.js'
import { pairClient, quietLibsignal } from '../../src/sandbox/testing.js'

const A = '5511700000001'
const B = '5511700000002'
const C = '5511700000003'

describe('sandbox world store (world.db)', () => {
  const dirs: string[] = []
  const running: Sandbox[] = []
  const restore = [quietLibsignal()]
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'sandbox-store-'))
    dirs.push(d)
    return d
  }
  const start = async (opts: Parameters<typeof Sandbox.start>[0]): Promise<Sandbox> => {
    const sb = await Sandbox.start(opts)
    running.push(sb)
    return sb
  }
  const stop = async (sb: Sandbox): Promise<void> => {
    running.splice(running.indexOf(sb), 1)
    await sb.stop()
  }
  const stats = (sb: Sandbox): StoreStats => ({ ...(sb.core.store as DirStore).stats })

  afterAll(async () => {
    for (const sb of running) await sb.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
    restore.forEach(r => r())
  })

  it('keeps phones, lids and inboxes in world.db (0600, folder 0700) across a restart', async () => {
    const dir = join(tempDir(), 'sandbox')
    const first = await start({ dataDir: dir })
    const a = first.createPhone(A, 'Alice')
    const b = first.createPhone(B, 'Bob')
    const id = b.sendProto(a.jid, { conversation: 'kept' })
    await first.settle(A)
    await stop(first)
    expect(statSync(join(dir, 'world.db')).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(existsSync(join(dir, 'world.json'))).toBe(false)

    const second = await start({ dataDir: dir })
    const again = second.phone(A)
    expect(again.lid).toBe(a.lid)
    expect(again.pushName).toBe('Alice')
    expect(again.received().map(m => [m.id, m.message?.conversation])).toEqual([[id, 'kept']])
    expect(second.phone(b.lid).pn).toBe(B)
    await stop(second)
  })

  it('writes only the records a relayed message touches, not every account', async () => {
    const sb = await start({ dataDir: tempDir() })
    for (let i = 0; i < 20; i++) sb.createPhone(String(5511710000000 + i))
    const a = sb.createPhone(A)
    const b = sb.createPhone(B)
    sb.core.flush()
    const world = stats(sb)
    b.sendProto(a.jid, { conversation: 'one message' })
    await sb.settle(A)
    sb.core.flush()
    const after = stats(sb)
    expect(after.rows - world.rows).toBe(1)
    expect(after.bytes - world.bytes).toBeLessThan(world.bytes / 100)
    await stop(sb)
  })

  it('keeps at most inboxLimit received messages and receipts per phone, also on disk', async () => {
    const dir = tempDir()
    const sb = await start({ dataDir: dir, inboxLimit: 3 })
    const a = sb.createPhone(A)
    const b = sb.createPhone(B)
    const sent: string[] = []
    for (let i = 0; i < 5; i++) sent.push(b.sendProto(a.jid, { conversation: `m${i}` }))
    await sb.settle(A)
    expect(a.received().map(m => m.id)).toEqual(sent.slice(2))

    const client = await pairClient(sb, C)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(b.sendProto(client.jid, { conversation: `r${i}` }))
    for (const id of ids) await client.sock.sendReceipt(b.jid, undefined, [id], 'read')
    await b.waitForReceipt(r => r.type === 'read' && r.ids.includes(ids[4]!))
    expect(b.receipts()).toHaveLength(3)
    await client.end()
    await stop(sb)

    const again = await start({ dataDir: dir, inboxLimit: 3 })
    expect(again.phone(A).received().map(m => m.id)).toEqual(sent.slice(2))
    expect(again.phone(B).receipts()).toHaveLength(3)
    await stop(again)
  })

  it('keeps unacknowledged stanzas across a restart, and forgets one per ack without rewriting the others', async () => {
    const dir = tempDir()
    const first = await start({ dataDir: dir })
    first.createPhone(A)
    const device = `${A}:7@s.whatsapp.net`
    const note = (id: string) => ({ tag: 'notification', attrs: { id, from: 's.whatsapp.net', type: 'sandbox-test' } })
    for (let i = 0; i < 5; i++) first.injectStanza(A, 7, note(`N${i}`))
    first.core.flush()
    const before = stats(first)
    first.core.onAck(A, 7, { tag: 'ack', attrs: { class: 'notification', id: 'N1', to: 's.whatsapp.net', type: 'sandbox-test' } })
    first.core.onAck(A, 7, { tag: 'ack', attrs: { class: 'notification', id: 'N3', to: 's.whatsapp.net', type: 'other' } })
    first.core.flush()
    const after = stats(first)
    expect(after.commits - before.commits).toBe(1)
    expect(after.bytes - before.bytes).toBe(0)
    expect(first.unacked(device).map(s => s.id)).toEqual(['N0', 'N2', 'N3', 'N4'])
    await stop(first)

    const second = await start({ dataDir: dir, queueLimit: 3 })
    expect(second.unacked(device).map(s => s.id)).toEqual(['N0', 'N2', 'N3', 'N4'])
    second.injectStanza(A, 7, note('N5'))
    expect(second.unacked(device).map(s => s.id)).toEqual(['N3', 'N4', 'N5'])
    await stop(second)

    const third = await start({ dataDir: dir })
    expect(third.unacked(device).map(s => s.id)).toEqual(['N3', 'N4', 'N5'])
    await stop(third)
  })

  it('keeps media expiry across a restart', async () => {
    const dir = tempDir()
    const first = await start({ dataDir: dir })
    const a = first.createPhone(A)
    const id = await first.createPhone(B).sendMessage(a.jid, { image: Buffer.alloc(500, 1), jpegThumbnail: '' })
    await first.settle(A)
    const path = a.received().find(m => m.id === id)!.message!.imageMessage!.directPath!
    expect(first.expireMedia(path)).toBe(path)
    await stop(first)

    const second = await start({ dataDir: dir })
    expect(second.core.world.media[path]).toMatchObject({ expired: true })
    expect(second.core.store.getBlob(path)?.length).toBeGreaterThan(0)
    await stop(second)
  })

  it('imports a world.json of an earlier version once, then renames it', async () => {
    const memory = await start({})
    const a = memory.createPhone(A, 'Alice')
    const id = memory.createPhone(B).sendProto(a.jid, { conversation: 'from json' })
    await memory.settle(A)
    const dir = tempDir()
    writeFileSync(join(dir, 'world.json'), JSON.stringify(memory.core.world, BufferJSON.replacer))
    await stop(memory)

    const sb = await start({ dataDir: dir })
    expect(sb.phone(A).lid).toBe(a.lid)
    expect(sb.phone(A).received().map(m => m.id)).toEqual([id])
    expect(existsSync(join(dir, 'world.json'))).toBe(false)
    expect(existsSync(join(dir, 'world.json.imported'))).toBe(true)
    sb.createPhone(C)
    await stop(sb)

    const again = await start({ dataDir: dir })
    expect(again.phone(C).pn).toBe(C)
    expect(again.phone(A).received()).toHaveLength(1)
    await stop(again)
  })
})
