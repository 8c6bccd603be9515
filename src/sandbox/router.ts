import { getBinaryNodeChild, getBinaryNodeChildren, isJidGroup, jidDecode } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { releaseKey, unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { AccountRecord } from './state.js'

/** Receives what is addressed to a virtual phone (device 0). */
export interface PhoneSink {
  onMessage(acc: AccountRecord, stanza: BinaryNode): void;
  onReceipt(acc: AccountRecord, stanza: BinaryNode): void;
  onChatstate(acc: AccountRecord, stanza: BinaryNode): void;
  onPresence(acc: AccountRecord, stanza: BinaryNode): void;
  onCall(acc: AccountRecord, stanza: BinaryNode): void;
}

/** Relays messages, receipts, presence and chat state between devices. */
export class Router {
  /** Set by the group module: relays a `<message to=group>`. */
  groupRelay?: (conn: EdgeConnection, node: BinaryNode) => void
  /** Answers a media retry request (`<receipt type="server-error">`) for the account's phone. */
  mediaRetry?: (conn: EdgeConnection, node: BinaryNode) => void

  constructor (
    private readonly core: SandboxCore,
    private readonly phones: PhoneSink
  ) {}

  /** Delivers to one device: the virtual phone for device 0, else the companion (queued when offline). */
  toDevice (acc: AccountRecord, device: number, stanza: BinaryNode, queue = true): void {
    if (device === 0) {
      if (stanza.tag === 'message') this.phones.onMessage(acc, stanza)
      else if (stanza.tag === 'receipt') this.phones.onReceipt(acc, stanza)
      else if (stanza.tag === 'chatstate') this.phones.onChatstate(acc, stanza)
      else if (stanza.tag === 'presence') this.phones.onPresence(acc, stanza)
      else if (stanza.tag === 'call') this.phones.onCall(acc, stanza)
      return
    }
    this.core.deliver(acc.pn, device, stanza, queue)
  }

  /** Delivers to every device of an account (phone and companions), except `skip`. */
  toAccount (acc: AccountRecord, stanza: BinaryNode, queue = true, skip?: { pn: string; device: number }): void {
    for (const d of Object.values(acc.devices)) {
      if (skip && skip.pn === acc.pn && skip.device === d.id) continue
      this.toDevice(acc, d.id, stanza, queue)
    }
  }

  /** Sends the server ack for a client message, honouring ack faults. */
  ack (conn: EdgeConnection, node: BinaryNode): void {
    const policy = conn.pn ? this.core.ackPolicies.get(conn.pn) : undefined
    if (policy?.withhold) return
    const ack: BinaryNode = {
      tag: 'ack',
      attrs: {
        class: 'message',
        id: node.attrs.id ?? '',
        from: node.attrs.to ?? '',
        t: String(unixNow()),
        ...(policy?.error ? { error: policy.error } : {})
      }
    }
    if (policy?.delayMs) setTimeout(() => conn.send(ack), policy.delayMs)
    else conn.send(ack)
  }

  /** A `<message>` from a companion. */
  onMessage (conn: EdgeConnection, node: BinaryNode): void {
    if (isJidGroup(node.attrs.to)) this.groupRelay?.(conn, node)
    else this.relayDirect(conn, node)
    this.ack(conn, node)
  }

  private relayDirect (conn: EdgeConnection, node: BinaryNode): void {
    const sender = this.core.account(conn.pn ?? '')
    const chat = this.core.resolve(node.attrs.recipient ?? node.attrs.to)
    if (!sender || !chat) return
    const lidMode = jidDecode(node.attrs.recipient ?? node.attrs.to)?.server === 'lid'
    const dev = conn.device ?? 0
    const identity = getBinaryNodeChild(node, 'device-identity')
    const targets = getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')
    const direct = getBinaryNodeChild(node, 'enc')
    const list = targets.length ? targets : direct && node.attrs.to ? [{ tag: 'to', attrs: { jid: node.attrs.to }, content: [direct] }] : []
    const t = String(unixNow())
    for (const to of list) {
      const r = this.core.resolve(to.attrs.jid)
      const enc = getBinaryNodeChild(to, 'enc')
      if (!r || !enc) continue
      const own = r.acc.pn === sender.pn
      const attrs: Record<string, string> = {
        id: node.attrs.id ?? '',
        t,
        type: node.attrs.type ?? 'text',
        notify: sender.pushName,
        ...(lidMode
          ? { from: lidJid(sender, dev), sender_pn: pnJid(sender.pn), addressing_mode: 'lid' }
          : { from: pnJid(sender.pn, dev), sender_lid: lidJid(sender) })
      }
      if (node.attrs.category) attrs.category = node.attrs.category
      if (node.attrs.edit) attrs.edit = node.attrs.edit
      if (own && chat.acc.pn !== sender.pn) attrs.recipient = lidMode ? lidJid(chat.acc) : pnJid(chat.acc.pn)
      const content: BinaryNode[] = [enc]
      if (identity) content.push(identity)
      this.toDevice(r.acc, r.device, { tag: 'message', attrs, content })
    }
  }

  /** A `<receipt>` from a companion: relayed to the devices of the message's sender. */
  onReceipt (conn: EdgeConnection, node: BinaryNode): void {
    conn.send({
      tag: 'ack',
      attrs: { class: 'receipt', id: node.attrs.id ?? '', from: node.attrs.to ?? '', ...(node.attrs.type ? { type: node.attrs.type } : {}) }
    })
    const type = node.attrs.type
    if (type !== 'retry' && conn.pn !== undefined && conn.device !== undefined) {
      // any receipt but a retry request means the device has the message: it is not redelivered
      const ids = [node.attrs.id ?? '', ...getBinaryNodeChildren(getBinaryNodeChild(node, 'list'), 'item').map(i => i.attrs.id ?? '')]
      for (const id of ids) this.core.release(conn.pn, conn.device, releaseKey('message', { id }))
    }
    if (type === 'server-error') {
      this.mediaRetry?.(conn, node)
      return
    }
    if (type === 'sender' || type === 'peer_msg' || type === 'hist_sync') return
    const me = this.core.account(conn.pn ?? '')
    if (!me) return
    const group = isJidGroup(node.attrs.to)
    const target = this.core.resolve(group ? node.attrs.participant : node.attrs.to)
    if (!target) return
    const lidMode = jidDecode(group ? node.attrs.participant : node.attrs.to)?.server === 'lid'
    const meJid = lidMode ? lidJid(me, type === 'retry' ? conn.device : undefined) : pnJid(me.pn, type === 'retry' ? conn.device : undefined)
    const attrs: Record<string, string> = { id: node.attrs.id ?? '', t: node.attrs.t ?? String(unixNow()) }
    if (type) attrs.type = type
    if (group) {
      attrs.from = node.attrs.to ?? ''
      attrs.participant = meJid
    } else attrs.from = meJid
    const stanza: BinaryNode = { tag: 'receipt', attrs, content: node.content }
    if (type === 'retry') this.toDevice(target.acc, target.device, stanza)
    else this.toAccount(target.acc, stanza)
  }

  /** A `<presence>` from a companion: availability or a subscription. */
  onPresence (conn: EdgeConnection, node: BinaryNode): void {
    const pn = conn.pn
    if (!pn) return
    if (node.attrs.type === 'subscribe') {
      const target = this.core.resolve(node.attrs.to)
      if (!target) return
      let subs = this.core.presenceSubs.get(target.acc.pn)
      if (!subs) this.core.presenceSubs.set(target.acc.pn, (subs = new Set()))
      subs.add(pn)
      const p = this.core.presence.get(target.acc.pn)
      if (p) conn.send(this.presenceNode(target.acc.pn, p.type, p.last))
      return
    }
    if (node.attrs.type === 'available' || node.attrs.type === 'unavailable') this.setPresence(pn, node.attrs.type)
  }

  /** Records an account's availability and tells its subscribers. */
  setPresence (pn: string, type: string): void {
    const last = unixNow()
    this.core.presence.set(pn, { type, last })
    for (const sub of this.core.presenceSubs.get(pn) ?? []) {
      const acc = this.core.account(sub)
      if (acc) this.toAccount(acc, this.presenceNode(pn, type, last), false)
    }
  }

  private presenceNode (pn: string, type: string, last: number): BinaryNode {
    return { tag: 'presence', attrs: { from: pnJid(pn), type, ...(type === 'unavailable' ? { last: String(last) } : {}) } }
  }

  /** A `<chatstate>` from a companion (composing / paused / recording). */
  onChatstate (conn: EdgeConnection, node: BinaryNode): void {
    const sender = this.core.account(conn.pn ?? '')
    if (!sender) return
    this.chatstate(sender, node.attrs.to ?? '', node.content as BinaryNode[], { pn: sender.pn, device: conn.device ?? 0 })
  }

  /** Relays a chat state from `sender` to a user or every group member. */
  chatstate (sender: AccountRecord, to: string, content: BinaryNode[], skip?: { pn: string; device: number }): void {
    if (isJidGroup(to)) {
      const g = this.core.world.groups[to]
      for (const m of g?.members ?? []) {
        const acc = this.core.account(m.pn)
        if (acc && acc.pn !== sender.pn) this.toAccount(acc, { tag: 'chatstate', attrs: { from: to, participant: pnJid(sender.pn) }, content }, false)
      }
      return
    }
    const target = this.core.resolve(to)
    if (!target) return
    const from = jidDecode(to)?.server === 'lid' ? lidJid(sender) : pnJid(sender.pn)
    this.toAccount(target.acc, { tag: 'chatstate', attrs: { from }, content }, false, skip)
  }

  /**
   * A `<call>` from a companion (a reject, an accept...): acked, since Baileys waits for the answer
   * to `rejectCall`, and relayed to the other party's devices.
   */
  onCall (conn: EdgeConnection, node: BinaryNode): void {
    const child = Array.isArray(node.content) ? node.content[0] : undefined
    conn.send({ tag: 'ack', attrs: { class: 'call', id: node.attrs.id ?? '', from: node.attrs.to ?? '', ...(child ? { type: child.tag } : {}) } })
    const sender = this.core.account(conn.pn ?? '')
    const target = this.core.resolve(node.attrs.to)
    if (!sender || !target || !child) return
    const from = jidDecode(node.attrs.to)?.server === 'lid' ? lidJid(sender) : pnJid(sender.pn)
    this.toAccount(target.acc, { tag: 'call', attrs: { from, id: node.attrs.id ?? '', t: String(unixNow()) }, content: [child] }, false)
  }
}
