import { getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, nodeText, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { IqAnswer } from './iq-handlers.js'
import type { Router } from './router.js'
import { joinRequestNode, requestsAction } from './group-requests.js'
import type { GroupMember, GroupRecord } from './state.js'

const SETTINGS = ['announcement', 'not_announcement', 'locked', 'unlocked']
const ACTIONS = ['add', 'remove', 'promote', 'demote']
/** What any member may change while the group is not locked. */
const INFO_EDITS = ['subject', 'description', 'ephemeral', 'not_ephemeral']

/** Group chats: the `w:g2` IQs, `w:gp2` notifications and fan-out of group messages. */
export class Groups {
  constructor (
    private readonly core: SandboxCore,
    private readonly router: Router
  ) {}

  /** Serializes a group as the `<group>` node Baileys' `extractGroupMetadata` reads. */
  groupNode (g: GroupRecord): BinaryNode {
    const content: BinaryNode[] = g.members.map(m => {
      const acc = this.core.account(m.pn)
      return {
        tag: 'participant',
        attrs: { jid: pnJid(m.pn), ...(acc ? { lid: lidJid(acc) } : {}), ...(m.admin ? { type: m.admin } : {}) }
      }
    })
    if (g.desc !== undefined) {
      content.push({
        tag: 'description',
        attrs: { id: g.descId ?? '', participant: pnJid(g.descOwner ?? g.owner), t: String(g.descTime ?? g.creation) },
        content: [{ tag: 'body', attrs: {}, content: Buffer.from(g.desc) }]
      })
    }
    if (g.announce) content.push({ tag: 'announcement', attrs: {} })
    if (g.restrict) content.push({ tag: 'locked', attrs: {} })
    if (g.ephemeral) content.push({ tag: 'ephemeral', attrs: { expiration: String(g.ephemeral) } })
    if (g.joinApproval) content.push({ tag: 'membership_approval_mode', attrs: {}, content: [{ tag: 'group_join', attrs: { state: 'on' } }] })
    content.push({ tag: 'member_add_mode', attrs: {}, content: Buffer.from('admin_add') })
    return {
      tag: 'group',
      attrs: {
        id: g.id.split('@')[0] ?? g.id,
        subject: g.subject,
        s_o: pnJid(g.subjectOwner),
        s_t: String(g.subjectTime),
        creation: String(g.creation),
        creator: pnJid(g.owner),
        addressing_mode: 'pn',
        size: String(g.members.length)
      },
      content
    }
  }

  /** Creates a group owned by `ownerPn` (also used by the control API). */
  create (ownerPn: string, subject: string, memberJids: string[]): GroupRecord {
    const id = `120363${(randomBytes(6).readUIntBE(0, 6) % 1e12).toString().padStart(12, '0')}@g.us`
    const now = unixNow()
    const members: GroupMember[] = [{ pn: ownerPn, admin: 'superadmin' }]
    for (const jid of memberJids) {
      const r = this.core.resolve(jid)
      if (r && !members.some(m => m.pn === r.acc.pn)) members.push({ pn: r.acc.pn, admin: null })
    }
    const g: GroupRecord = {
      id,
      subject,
      subjectOwner: ownerPn,
      subjectTime: now,
      creation: now,
      owner: ownerPn,
      announce: false,
      restrict: false,
      inviteCode: randomBytes(16).toString('base64url').slice(0, 22),
      members
    }
    this.core.world.groups[id] = g
    this.core.touchGroup(g.id)
    this.notify(g, ownerPn, { tag: 'create', attrs: {}, content: [this.groupNode(g)] })
    return g
  }

  /** Sends a `w:gp2` notification to every member device (queued for offline ones). */
  notify (g: GroupRecord, actorPn: string, child: BinaryNode, extraRecipients: string[] = []): void {
    const actor = this.core.account(actorPn)
    const attrs = {
      from: g.id,
      type: 'w:gp2',
      id: this.core.nextId(),
      t: String(unixNow()),
      participant: pnJid(actorPn),
      ...(actor ? { participant_lid: lidJid(actor), notify: actor.pushName } : {})
    }
    const pns = new Set([...g.members.map(m => m.pn), ...extraRecipients])
    for (const pn of pns) {
      const acc = this.core.account(pn)
      if (!acc) continue
      for (const d of this.core.companions(acc)) this.core.deliver(pn, d, { tag: 'notification', attrs, content: [child] })
    }
  }

  private participantNodes (pns: string[]): BinaryNode[] {
    return pns.map(pn => {
      const acc = this.core.account(pn)
      return { tag: 'participant', attrs: { jid: pnJid(pn), ...(acc ? { lid: lidJid(acc) } : {}) } }
    })
  }

  /** Handles a `w:g2` IQ (to `@g.us` or to a group). */
  handleIq (conn: EdgeConnection, iq: BinaryNode): IqAnswer {
    const pn = conn.pn
    if (!pn) return { error: 401, text: 'not-authorized' }
    const child = Array.isArray(iq.content) ? iq.content[0] : undefined
    if (!child) return undefined
    if (iq.attrs.to === '@g.us') return this.globalIq(pn, iq, child)
    const g = this.core.world.groups[iq.attrs.to ?? '']
    if (!g) return { error: 404, text: 'item-not-found' }
    const me = g.members.find(m => m.pn === pn)
    if (!me) return { error: 403, text: 'forbidden' }
    if (child.tag === 'query') return [this.groupNode(g)]
    // as WhatsApp: admins only for settings, participants, links and requests; in a locked group also for the group's info
    const infoEdit = INFO_EDITS.includes(child.tag)
    if (me.admin === null && (!infoEdit || g.restrict)) return { error: 401, text: 'not-authorized' }
    switch (child.tag) {
      case 'subject':
        g.subject = nodeText(child)
        g.subjectOwner = pn
        g.subjectTime = unixNow()
        this.core.touchGroup(g.id)
        this.notify(g, pn, { tag: 'subject', attrs: { subject: g.subject, s_o: pnJid(pn), s_t: String(g.subjectTime) } })
        return undefined
      case 'description': {
        const body = getBinaryNodeChild(child, 'body')
        g.desc = child.attrs.delete === 'true' || !body ? undefined : nodeText(body)
        g.descId = child.attrs.id ?? this.core.nextId()
        g.descOwner = pn
        g.descTime = unixNow()
        this.core.touchGroup(g.id)
        const content = g.desc !== undefined ? [{ tag: 'body', attrs: {}, content: Buffer.from(g.desc) }] : undefined
        this.notify(g, pn, { tag: 'description', attrs: { id: g.descId }, content })
        return undefined
      }
      case 'invite':
        if (iq.attrs.type === 'set') {
          g.revokedCodes = [...(g.revokedCodes ?? []), g.inviteCode]
          g.inviteCode = randomBytes(16).toString('base64url').slice(0, 22)
          this.core.touchGroup(g.id)
        }
        return [{ tag: 'invite', attrs: { code: g.inviteCode } }]
      case 'ephemeral':
      case 'not_ephemeral': {
        const seconds = child.tag === 'ephemeral' ? Number(child.attrs.expiration ?? 0) : 0
        if (seconds) g.ephemeral = seconds
        else delete g.ephemeral
        this.core.touchGroup(g.id)
        this.notify(g, pn, seconds ? { tag: 'ephemeral', attrs: { expiration: String(seconds) } } : { tag: 'not_ephemeral', attrs: {} })
        return undefined
      }
      case 'membership_approval_mode': {
        const state = getBinaryNodeChild(child, 'group_join')?.attrs.state
        g.joinApproval = state === 'on'
        this.core.touchGroup(g.id)
        this.notify(g, pn, { tag: 'membership_approval_mode', attrs: {}, content: [{ tag: 'group_join', attrs: { state: g.joinApproval ? 'on' : 'off' } }] })
        return undefined
      }
      case 'membership_approval_requests':
        return [{ tag: 'membership_approval_requests', attrs: {}, content: (g.requests ?? []).map(r => joinRequestNode(this.core, r)) }]
      case 'membership_requests_action':
        return [requestsAction(this.core, g, child, approved => { this.notify(g, pn, { tag: 'add', attrs: { reason: 'approval' }, content: this.participantNodes(approved) }) })]
      default:
        break
    }
    if (SETTINGS.includes(child.tag)) {
      if (child.tag.endsWith('announcement')) g.announce = child.tag === 'announcement'
      else g.restrict = child.tag === 'locked'
      this.core.touchGroup(g.id)
      this.notify(g, pn, { tag: child.tag, attrs: {} })
      return undefined
    }
    if (ACTIONS.includes(child.tag)) return [this.participantsAction(g, pn, child)]
    return undefined
  }

  private participantsAction (g: GroupRecord, actor: string, child: BinaryNode): BinaryNode {
    const results: BinaryNode[] = []
    const affected: string[] = []
    for (const p of getBinaryNodeChildren(child, 'participant')) {
      const r = this.core.resolve(p.attrs.jid)
      if (!r) {
        results.push({ tag: 'participant', attrs: { jid: p.attrs.jid ?? '', error: '404' } })
        continue
      }
      const idx = g.members.findIndex(m => m.pn === r.acc.pn)
      if (child.tag === 'add') {
        if (idx >= 0) {
          results.push({ tag: 'participant', attrs: { jid: pnJid(r.acc.pn), error: '409' } })
          continue
        }
        g.members.push({ pn: r.acc.pn, admin: null })
      } else if (idx < 0) {
        results.push({ tag: 'participant', attrs: { jid: pnJid(r.acc.pn), error: '404' } })
        continue
      } else if (child.tag === 'remove') g.members.splice(idx, 1)
      else g.members[idx]!.admin = child.tag === 'promote' ? 'admin' : null
      affected.push(r.acc.pn)
      results.push({ tag: 'participant', attrs: { jid: pnJid(r.acc.pn) } })
    }
    this.core.touchGroup(g.id)
    if (affected.length) {
      const removed = child.tag === 'remove' ? affected : []
      this.notify(g, actor, { tag: child.tag, attrs: {}, content: this.participantNodes(affected) }, removed)
    }
    return { tag: child.tag, attrs: {}, content: results }
  }

  private globalIq (pn: string, iq: BinaryNode, child: BinaryNode): IqAnswer {
    switch (child.tag) {
      case 'create': {
        const jids = getBinaryNodeChildren(child, 'participant').map(p => p.attrs.jid ?? '')
        return [this.groupNode(this.create(pn, child.attrs.subject ?? '', jids))]
      }
      case 'participating': {
        const mine = Object.values(this.core.world.groups).filter(g => g.members.some(m => m.pn === pn))
        return [{ tag: 'groups', attrs: {}, content: mine.map(g => this.groupNode(g)) }]
      }
      case 'leave': {
        for (const gn of getBinaryNodeChildren(child, 'group')) {
          const g = this.core.world.groups[gn.attrs.id ?? '']
          if (!g || !g.members.some(m => m.pn === pn)) continue
          g.members = g.members.filter(m => m.pn !== pn)
          this.core.touchGroup(g.id)
          this.notify(g, pn, { tag: 'remove', attrs: {}, content: this.participantNodes([pn]) }, [pn])
        }
        return undefined
      }
      case 'invite': {
        const code = child.attrs.code ?? ''
        const g = Object.values(this.core.world.groups).find(x => x.inviteCode === code)
        if (!g) {
          const revoked = Object.values(this.core.world.groups).some(x => x.revokedCodes?.includes(code))
          return revoked ? { error: 410, text: 'gone' } : { error: 406, text: 'not-acceptable' }
        }
        if (iq.attrs.type === 'get') return [this.groupNode(g)]
        if (g.joinApproval && !g.members.some(m => m.pn === pn)) {
          // the join waits for an admin: WhatsApp answers with the request, not the group
          if (!(g.requests ?? []).some(r => r.pn === pn)) {
            g.requests = [...(g.requests ?? []), { pn, t: unixNow() }]
            this.core.touchGroup(g.id)
          }
          return [{ tag: 'membership_approval_request', attrs: { jid: g.id } }]
        }
        if (!g.members.some(m => m.pn === pn)) {
          g.members.push({ pn, admin: null })
          this.core.touchGroup(g.id)
          this.notify(g, pn, { tag: 'add', attrs: { reason: 'invite' }, content: this.participantNodes([pn]) })
        }
        return [{ tag: 'group', attrs: { jid: g.id } }]
      }
      default:
        return undefined
    }
  }

  /** Fans a group `<message>` (skmsg + per-device pkmsg sender keys) out to every member device. */
  relay (conn: EdgeConnection, node: BinaryNode): void {
    const sender = this.core.account(conn.pn ?? '')
    const g = this.core.world.groups[node.attrs.to ?? '']
    if (!sender || !g || !g.members.some(m => m.pn === sender.pn)) return
    const dev = conn.device ?? 0
    const skmsg = getBinaryNodeChildren(node, 'enc').find(e => e.attrs.type === 'skmsg')
    const identity = getBinaryNodeChild(node, 'device-identity')
    const perDevice = new Map<string, BinaryNode>()
    for (const to of getBinaryNodeChildren(getBinaryNodeChild(node, 'participants'), 'to')) {
      const r = this.core.resolve(to.attrs.jid)
      const enc = getBinaryNodeChild(to, 'enc')
      if (r && enc) perDevice.set(`${r.acc.pn}.${r.device}`, enc)
    }
    const lidMode = node.attrs.addressing_mode === 'lid'
    const attrs = {
      from: g.id,
      id: node.attrs.id ?? '',
      t: String(unixNow()),
      type: node.attrs.type ?? 'text',
      notify: sender.pushName,
      addressing_mode: lidMode ? 'lid' : 'pn',
      ...(lidMode
        ? { participant: lidJid(sender, dev), participant_pn: pnJid(sender.pn) }
        : { participant: pnJid(sender.pn, dev), participant_lid: lidJid(sender) })
    }
    for (const m of g.members) {
      const acc = this.core.account(m.pn)
      if (!acc) continue
      for (const d of Object.values(acc.devices)) {
        if (acc.pn === sender.pn && d.id === dev) continue
        const content: BinaryNode[] = []
        const pk = perDevice.get(`${acc.pn}.${d.id}`)
        if (pk) content.push(pk)
        if (skmsg) content.push(skmsg)
        if (!content.length) continue
        if (pk && identity) content.push(identity)
        this.router.toDevice(acc, d.id, { tag: 'message', attrs, content })
      }
    }
  }
}
