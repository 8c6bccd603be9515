import { S_WHATSAPP_NET, proto } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { AccountRecord } from './state.js'

/** Number of the built-in chat every history sync contains. */
export const WELCOME_PN = '15550100000'

/**
 * Logs a companion in: checks its noise key, replaces an older connection of the same device
 * (440 conflict), sends `<success>`, every stanza the device has not acknowledged yet (marked
 * offline, in delivery order), `<ib><offline>` and, on the first login after pairing, the history sync
 * and the phone's app-state sync key.
 */
export async function login (core: SandboxCore, conn: EdgeConnection, payload: proto.ClientPayload): Promise<void> {
  const pn = String(payload.username)
  const device = payload.device ?? 0
  const acc = core.account(pn)
  const dev = acc?.devices[String(device)]
  if (!acc || !dev || dev.kind !== 'companion' || !dev.noiseKey || !conn.clientStatic?.equals(dev.noiseKey)) {
    conn.send({ tag: 'failure', attrs: { reason: '401', location: 'sandbox' } })
    conn.close()
    return
  }
  const previous = core.conn(pn, device)
  if (previous && previous !== conn) previous.streamError(undefined, { tag: 'conflict', attrs: { type: 'replaced' } })
  conn.pn = pn
  conn.device = device
  core.conns.set(`${pn}.${device}`, conn)
  if (payload.pushName && payload.pushName !== acc.pushName) {
    acc.pushName = payload.pushName
    core.touchAccount(pn)
  }
  conn.send({
    tag: 'success',
    attrs: { t: String(unixNow()), lid: lidJid(acc, device), props: '1', abprops: '1', location: 'sandbox', creation: String(dev.createdAt) }
  })
  const queued = core.unacked(pn, device)
  for (const node of queued) conn.send({ ...node, attrs: { ...node.attrs, offline: '1' } })
  conn.send({ tag: 'ib', attrs: { from: S_WHATSAPP_NET }, content: [{ tag: 'offline', attrs: { count: String(queued.length) } }] })
  if (!dev.historySent) {
    dev.historySent = true
    core.touchDevice(pn, device)
    if (core.config.historySync) core.deliver(pn, device, historySyncStanza(core, acc))
  }
  if (!dev.appStateKeyShared) {
    dev.appStateKeyShared = true
    core.touchDevice(pn, device)
    core.deliver(pn, device, appStateKeyShareStanza(core, acc, device))
  }
}

/**
 * The phone's APP_STATE_SYNC_KEY_SHARE for a newly linked companion: the key app-state patches
 * (archive, pin, mute...) are signed with; without it Baileys refuses them ("App state key not present!").
 */
export function appStateKeyShareStanza (core: SandboxCore, acc: AccountRecord, device: number): BinaryNode {
  if (!acc.appStateKey) {
    acc.appStateKey = { id: randomBytes(6), data: randomBytes(32), t: Date.now() }
    core.touchAccount(acc.pn)
  }
  const key = acc.appStateKey
  const message = proto.Message.encode({
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [{
          keyId: { keyId: key.id },
          keyData: { keyData: key.data, fingerprint: { rawId: key.id.readUInt32BE(0), currentIndex: 0, deviceIndexes: [0, device] }, timestamp: key.t }
        }]
      }
    }
  }).finish()
  return {
    tag: 'message',
    attrs: { from: pnJid(acc.pn), id: core.nextId(), t: String(unixNow()), type: 'text', category: 'peer', notify: acc.pushName },
    content: [{ tag: 'plaintext', attrs: {}, content: message }]
  }
}

/** Builds the INITIAL_BOOTSTRAP history sync a freshly paired companion receives from its phone. */
export function historySyncStanza (core: SandboxCore, acc: AccountRecord): BinaryNode {
  const now = unixNow()
  const conversations: proto.IConversation[] = []
  for (const rec of acc.received.slice(-20)) {
    if (!rec.message || !rec.chat) continue
    let conv = conversations.find(c => c.id === rec.chat)
    if (!conv) conversations.push((conv = { id: rec.chat, messages: [], unreadCount: 0, conversationTimestamp: rec.t }))
    conv.messages!.push({
      message: {
        key: { remoteJid: rec.chat, fromMe: false, id: rec.id, participant: rec.chat.endsWith('@g.us') ? rec.from : undefined },
        message: proto.Message.decode(rec.message),
        messageTimestamp: rec.t
      }
    })
  }
  const welcomeJid = pnJid(WELCOME_PN)
  conversations.push({
    id: welcomeJid,
    name: 'WhatsApp Sandbox',
    unreadCount: 1,
    conversationTimestamp: now,
    messages: [
      {
        message: {
          key: { remoteJid: welcomeJid, fromMe: false, id: `SBWELCOME${acc.pn}` },
          message: { conversation: 'Welcome to the WhatsApp sandbox.' },
          messageTimestamp: now - 60
        }
      },
      {
        message: {
          key: { remoteJid: welcomeJid, fromMe: true, id: `SBHELLO${acc.pn}` },
          message: { conversation: 'Hello sandbox!' },
          messageTimestamp: now - 30,
          status: proto.WebMessageInfo.Status.READ
        }
      }
    ]
  })
  for (const g of Object.values(core.world.groups)) {
    if (g.members.some(m => m.pn === acc.pn)) conversations.push({ id: g.id, name: g.subject, conversationTimestamp: g.creation, messages: [] })
  }
  const mappings = contacts(core, acc, conversations).map(peer => ({ pnJid: pnJid(peer.pn), lidJid: lidJid(peer) }))
  return historyStanza(core, acc, proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP, conversations, mappings)
}

/** A history sync as the phone sends it to a companion: a peer message whose notification carries the sync inline. */
function historyStanza (
  core: SandboxCore,
  acc: AccountRecord,
  syncType: proto.HistorySync.HistorySyncType,
  conversations: proto.IConversation[],
  mappings: proto.IPhoneNumberToLIDMapping[],
  peerDataRequestSessionId?: string
): BinaryNode {
  const history = proto.HistorySync.encode({ syncType, conversations, phoneNumberToLidMappings: mappings, progress: 100, chunkOrder: 0 }).finish()
  const message = proto.Message.encode({
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType,
        initialHistBootstrapInlinePayload: deflateSync(history),
        chunkOrder: 0,
        progress: 100,
        ...(peerDataRequestSessionId !== undefined ? { peerDataRequestSessionId } : {})
      }
    }
  }).finish()
  return {
    tag: 'message',
    attrs: { from: pnJid(acc.pn), id: core.nextId(), t: String(unixNow()), type: 'text', category: 'peer', notify: acc.pushName },
    content: [{ tag: 'plaintext', attrs: {}, content: message }]
  }
}

/**
 * The phone's answer to a companion's on-demand history request (`fetchMessageHistory`: a peer
 * data operation `HISTORY_SYNC_ON_DEMAND`): an `ON_DEMAND` history sync of up to
 * `onDemandMsgCount` messages of the chat older than the oldest one the companion has, tagged
 * with the request's id as `peerDataRequestSessionId`. The chat may be named by phone JID or LID.
 */
export function onDemandHistoryStanza (core: SandboxCore, acc: AccountRecord, req: proto.Message.PeerDataOperationRequestMessage.IHistorySyncOnDemandRequest, requestId: string): BinaryNode {
  const wanted = core.resolve(req.chatJid ?? '')
  const chat = wanted ? pnJid(wanted.acc.pn) : (req.chatJid ?? '')
  const before = Number(req.oldestMsgTimestampMs ?? 0)
  const count = Math.max(1, Math.min(Number(req.onDemandMsgCount ?? 50), 500))
  const older = acc.received
    .filter(r => r.message && r.chat === chat && r.id !== req.oldestMsgId && (before <= 0 || r.t * 1000 < before))
    .slice(-count)
  const messages: proto.IHistorySyncMsg[] = older.map(rec => ({
    message: {
      key: { remoteJid: rec.chat, fromMe: false, id: rec.id, participant: rec.chat.endsWith('@g.us') ? rec.from : undefined },
      message: proto.Message.decode(rec.message!),
      messageTimestamp: rec.t
    }
  }))
  const conversations: proto.IConversation[] = [{ id: chat, messages }]
  const mappings = wanted && wanted.acc.pn !== acc.pn ? [{ pnJid: pnJid(wanted.acc.pn), lidJid: lidJid(wanted.acc) }] : []
  return historyStanza(core, acc, proto.HistorySync.HistorySyncType.ON_DEMAND, conversations, mappings, requestId)
}

/**
 * The accounts a phone knows, as WhatsApp's own history sync has them: whoever it exchanged messages
 * with (senders in its inbox, the chats synced) and the members of its groups. Not the whole world:
 * every mapping costs the client a cache entry, and a world of N accounts would cost N² of them.
 */
function contacts (core: SandboxCore, acc: AccountRecord, conversations: proto.IConversation[]): AccountRecord[] {
  const pns = new Set<string>()
  const add = (jid: string | null | undefined): void => {
    const r = core.resolve(jid ?? undefined)
    if (r && r.acc.pn !== acc.pn) pns.add(r.acc.pn)
  }
  for (const rec of acc.received) {
    add(rec.from)
    add(rec.chat)
  }
  for (const c of conversations) add(c.id)
  for (const g of Object.values(core.world.groups)) {
    if (g.members.some(m => m.pn === acc.pn)) for (const m of g.members) add(pnJid(m.pn))
  }
  return [...pns].flatMap(pn => core.account(pn) ?? [])
}
