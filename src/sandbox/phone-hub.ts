import { getBinaryNodeChild, getBinaryNodeChildren, isJidGroup, jidDecode, proto } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { EventEmitter } from 'node:events'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, pnJid } from './directory.js'
import type { PhoneSink, Router } from './router.js'
import type { AccountRecord, ReceivedRecord } from './state.js'
import { onDemandHistoryStanza } from './session.js'

/** A chat state, presence or call event (`state`: reject, accept...) a virtual phone observed (kept in memory only). */
export interface PhoneSignal {
  kind: 'chatstate' | 'presence' | 'call';
  from: string;
  participant?: string;
  state: string;
  /** The call's id, for `call`. */
  callId?: string;
  t: number;
}

/** Receiving side of all virtual phones: decrypts, records, auto-acknowledges. */
export class PhoneHub implements PhoneSink {
  /** Emits `message` (pn, ReceivedRecord), `receipt` (pn), `signal` (pn, PhoneSignal). */
  readonly events = new EventEmitter()
  readonly signals = new Map<string, PhoneSignal[]>()
  /** Whether phones send delivery receipts for what they receive. */
  autoReceipts = true
  router?: Router
  private readonly chains = new Map<string, Promise<void>>()

  constructor (private readonly core: SandboxCore) {
    this.events.setMaxListeners(0)
  }

  private normalize (jid: string | undefined): string {
    const r = this.core.resolve(jid)
    return r ? pnJid(r.acc.pn) : (jid ?? '')
  }

  onMessage (acc: AccountRecord, stanza: BinaryNode): void {
    const prev = this.chains.get(acc.pn) ?? Promise.resolve()
    const next = prev.then(() => this.decode(acc, stanza)).catch(() => undefined)
    this.chains.set(acc.pn, next)
  }

  /** Resolves once every queued decryption of a phone has finished. */
  async idle (pn: string): Promise<void> {
    await this.chains.get(pn)
  }

  private async decode (acc: AccountRecord, stanza: BinaryNode): Promise<void> {
    const group = isJidGroup(stanza.attrs.from)
    const authorJid = group ? stanza.attrs.participant : stanza.attrs.from
    const author = this.core.resolve(authorJid)
    const authorLid = author ? lidJid(author.acc, author.device) : (authorJid ?? '')
    const chat = group ? (stanza.attrs.from ?? '') : this.normalize(stanza.attrs.recipient ?? stanza.attrs.from)
    const crypto = this.core.phoneCrypto(acc)
    const encs = getBinaryNodeChildren(stanza, 'enc').sort((a, b) => (a.attrs.type === 'skmsg' ? 1 : 0) - (b.attrs.type === 'skmsg' ? 1 : 0))
    const plain = getBinaryNodeChild(stanza, 'plaintext')
    const rec: ReceivedRecord = {
      id: stanza.attrs.id ?? '',
      chat,
      from: this.normalize(authorJid),
      fromDevice: authorJid ?? '',
      t: Number(stanza.attrs.t ?? unixNow()),
      encType: plain ? 'plaintext' : encs.map(e => e.attrs.type).join('+')
    }
    let result: proto.IMessage | undefined
    try {
      if (plain?.content instanceof Uint8Array) result = proto.Message.decode(plain.content)
      for (const enc of encs) {
        if (!(enc.content instanceof Uint8Array)) continue
        const type = enc.attrs.type
        let msg: proto.Message
        if (type === 'skmsg') msg = await crypto.decryptGroup(chat, authorLid, enc.content)
        else msg = await crypto.decrypt(authorLid, type === 'pkmsg' ? 'pkmsg' : 'msg', enc.content)
        if (msg.senderKeyDistributionMessage && group) await crypto.processSenderKey(authorLid, msg.senderKeyDistributionMessage)
        const inner = msg.deviceSentMessage?.message ?? msg
        if (msg.deviceSentMessage?.destinationJid) rec.chat = this.normalize(msg.deviceSentMessage.destinationJid)
        result = result ? { ...result, ...stripEmpty(inner) } : inner
      }
    } catch (e) {
      rec.error = (e as Error).message
    }
    if (result) rec.message = Buffer.from(proto.Message.encode(result).finish())
    const onlyKeyDistribution = result && Object.keys(stripEmpty(result)).every(k => k === 'senderKeyDistributionMessage' || k === 'messageContextInfo')
    if (onlyKeyDistribution && !rec.error) return
    this.core.addReceived(acc, rec)
    this.events.emit('message', acc.pn, rec)
    if (author && author.acc.pn === acc.pn && author.device !== 0 && result) this.answerPeerRequest(acc, author.device, result, rec.id)
    const fromOther = author && author.acc.pn !== acc.pn
    if (this.autoReceipts && fromOther && author && stanza.attrs.category !== 'peer' && !rec.error) {
      this.sendReceipt(acc, group ? chat : pnJid(author.acc.pn), [rec.id], undefined, group ? pnJid(author.acc.pn) : undefined)
    }
  }

  /**
   * A phone answers what its own companions ask of it in peer messages: on-demand history
   * (`HISTORY_SYNC_ON_DEMAND`), answered to the asking device. Other requests are left unanswered.
   */
  private answerPeerRequest (acc: AccountRecord, device: number, message: proto.IMessage, requestId: string): void {
    const pm = message.protocolMessage
    if (pm?.type !== proto.Message.ProtocolMessage.Type.PEER_DATA_OPERATION_REQUEST_MESSAGE) return
    const pdo = pm.peerDataOperationRequestMessage
    const onDemand = pdo?.historySyncOnDemandRequest
    if (pdo?.peerDataOperationRequestType !== proto.Message.PeerDataOperationRequestType.HISTORY_SYNC_ON_DEMAND || !onDemand) return
    this.core.deliver(acc.pn, device, onDemandHistoryStanza(this.core, acc, onDemand, requestId))
  }

  /** Sends a receipt (delivery when `type` is undefined, or read/played) from a phone. */
  sendReceipt (acc: AccountRecord, chat: string, ids: string[], type?: string, participant?: string): void {
    const group = isJidGroup(chat)
    const target = this.core.resolve(group ? participant : chat)
    if (!target || !ids.length) return
    const attrs: Record<string, string> = { id: ids[0]!, t: String(unixNow()) }
    if (type) attrs.type = type
    if (group) {
      attrs.from = chat
      attrs.participant = pnJid(acc.pn)
    } else attrs.from = jidDecode(chat)?.server === 'lid' ? lidJid(acc) : pnJid(acc.pn)
    const rest = ids.slice(1)
    const content = rest.length ? [{ tag: 'list', attrs: {}, content: rest.map(id => ({ tag: 'item', attrs: { id } })) }] : undefined
    this.router?.toAccount(target.acc, { tag: 'receipt', attrs, content }, true, { pn: target.acc.pn, device: 0 })
  }

  onReceipt (acc: AccountRecord, stanza: BinaryNode): void {
    const ids = [stanza.attrs.id ?? '']
    const list = getBinaryNodeChild(stanza, 'list')
    for (const it of getBinaryNodeChildren(list, 'item')) ids.push(it.attrs.id ?? '')
    this.core.addReceipt(acc, {
      ids,
      from: this.normalize(stanza.attrs.participant ?? stanza.attrs.from),
      type: stanza.attrs.type ?? 'delivery',
      t: Number(stanza.attrs.t ?? unixNow())
    })
    this.events.emit('receipt', acc.pn)
  }

  private signal (acc: AccountRecord, s: PhoneSignal): void {
    let list = this.signals.get(acc.pn)
    if (!list) this.signals.set(acc.pn, (list = []))
    list.push(s)
    this.events.emit('signal', acc.pn, s)
  }

  onChatstate (acc: AccountRecord, stanza: BinaryNode): void {
    const child = Array.isArray(stanza.content) ? stanza.content[0] : undefined
    const state = child?.attrs.media === 'audio' ? 'recording' : (child?.tag ?? 'unknown')
    this.signal(acc, {
      kind: 'chatstate',
      from: this.normalize(stanza.attrs.from),
      participant: stanza.attrs.participant ? this.normalize(stanza.attrs.participant) : undefined,
      state,
      t: unixNow()
    })
  }

  onCall (acc: AccountRecord, stanza: BinaryNode): void {
    const child = Array.isArray(stanza.content) ? stanza.content[0] : undefined
    this.signal(acc, { kind: 'call', from: this.normalize(stanza.attrs.from), state: child?.tag ?? 'unknown', callId: child?.attrs['call-id'], t: unixNow() })
  }

  onPresence (acc: AccountRecord, stanza: BinaryNode): void {
    this.signal(acc, { kind: 'presence', from: this.normalize(stanza.attrs.from), state: stanza.attrs.type ?? 'available', t: unixNow() })
  }
}

function stripEmpty (m: proto.IMessage): proto.IMessage {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) out[k] = v
  return out as proto.IMessage
}
