import { getBinaryNodeChild, proto } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { inflateSync } from 'node:zlib'
import { Sandbox } from '../../src/sandbox/index.js'
import { pairClient, quietLibsignal } from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

const ME = '5511600000001'
const GROUP_OWNER = '5511600000002'
const MEMBER = '5511600000003'
const WRITER = '5511600000004'

/** The HistorySync inside a `<message>` carrying a history sync notification, if it is one. */
function historyOf (node: BinaryNode): proto.HistorySync | undefined {
  const plain = getBinaryNodeChild(node, 'plaintext')?.content
  if (!(plain instanceof Uint8Array)) return undefined
  const inline = proto.Message.decode(plain).protocolMessage?.historySyncNotification?.initialHistBootstrapInlinePayload
  return inline ? proto.HistorySync.decode(inflateSync(inline)) : undefined
}

describe('first-login history sync', () => {
  let sb: Sandbox
  const clients: PairedClient[] = []
  const restore = [quietLibsignal()]

  beforeAll(async () => {
    sb = await Sandbox.start()
  })

  afterAll(async () => {
    for (const c of clients) await c.end()
    await sb.stop()
    restore.forEach(r => r())
  })

  it('maps phone numbers to LIDs for the account\'s contacts only, not the whole world', async () => {
    for (let i = 0; i < 15; i++) sb.createPhone(String(5511610000000 + i))
    sb.createPhone(MEMBER)
    const me = sb.createPhone(ME)
    sb.createPhone(WRITER).sendProto(me.jid, { conversation: 'before you linked' })
    await sb.settle(ME)
    const owner = await pairClient(sb, GROUP_OWNER)
    clients.push(owner)
    await owner.sock.groupCreate('contacts', [me.jid, sb.phone(MEMBER).jid])

    let synced!: (h: proto.HistorySync) => void
    const history = new Promise<proto.HistorySync>(resolve => { synced = resolve })
    clients.push(await pairClient(sb, ME, {
      onSocket: s => s.ws.on('CB:message', (node: BinaryNode) => {
        const h = historyOf(node)
        if (h) synced(h)
      })
    }))
    const mappings = (await history).phoneNumberToLidMappings.map(m => [m.pnJid, m.lidJid]).sort()
    const expected = [GROUP_OWNER, MEMBER, WRITER].map(pn => [sb.phone(pn).jid, sb.phone(pn).lid]).sort()
    expect(mappings).toEqual(expected)
  })
})
