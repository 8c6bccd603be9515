import { getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { lidJid, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { IqAnswer } from './iq-handlers.js'
import type { GroupRecord } from './state.js'

/** Group join requests (join approval on) and group photos, as WhatsApp's server answers them. */

/** A pending join request as WhatsApp lists it. */
export function joinRequestNode (core: SandboxCore, r: { pn: string; t: number }): BinaryNode {
  const acc = core.account(r.pn)
  return {
    tag: 'membership_approval_request',
    attrs: { jid: pnJid(r.pn), ...(acc ? { lid: lidJid(acc) } : {}), request_method: 'invite_link', request_time: String(r.t) }
  }
}

/**
 * Approves (adds) or rejects pending join requests; a number without a request gets a 404 in its
 * result. `added` is told who joined, to notify the members.
 */
export function requestsAction (core: SandboxCore, g: GroupRecord, node: BinaryNode, added: (pns: string[]) => void): BinaryNode {
  const out: BinaryNode[] = []
  for (const action of getBinaryNodeChildren(node, 'approve').concat(getBinaryNodeChildren(node, 'reject'))) {
    const results: BinaryNode[] = []
    const approved: string[] = []
    for (const p of getBinaryNodeChildren(action, 'participant')) {
      const r = core.resolve(p.attrs.jid)
      const pending = r ? (g.requests ?? []).findIndex(q => q.pn === r.acc.pn) : -1
      if (!r || pending < 0) {
        results.push({ tag: 'participant', attrs: { jid: p.attrs.jid ?? '', error: '404' } })
        continue
      }
      g.requests!.splice(pending, 1)
      if (action.tag === 'approve' && !g.members.some(m => m.pn === r.acc.pn)) {
        g.members.push({ pn: r.acc.pn, admin: null })
        approved.push(r.acc.pn)
      }
      results.push({ tag: 'participant', attrs: { jid: pnJid(r.acc.pn) } })
    }
    core.touchGroup(g.id)
    if (approved.length) added(approved)
    out.push({ tag: action.tag, attrs: {}, content: results })
  }
  return { tag: 'membership_requests_action', attrs: {}, content: out }
}

/**
 * `w:profile:picture` for a group: anyone in it reads the photo; members set or remove it (admins
 * only in a locked group). Members get a `picture` notification.
 */
export function groupPictureIq (core: SandboxCore, conn: EdgeConnection, iq: BinaryNode): IqAnswer {
  const g = core.world.groups[iq.attrs.target ?? '']
  if (!g) return { error: 404, text: 'item-not-found' }
  const me = g.members.find(m => m.pn === conn.pn)
  if (iq.attrs.type !== 'set') {
    if (!g.picture) return { error: 404, text: 'item-not-found' }
    const path = `/pp/${g.id.split('@')[0] ?? ''}/${g.picture.id}`
    return [{ tag: 'picture', attrs: { id: g.picture.id, type: 'image', url: `https://${core.config.mediaHost}${path}`, direct_path: path } }]
  }
  if (!me) return { error: 403, text: 'forbidden' }
  if (g.restrict && me.admin === null) return { error: 401, text: 'not-authorized' }
  const pic = getBinaryNodeChild(iq, 'picture')
  const author = pnJid(me.pn)
  let change: BinaryNode
  if (pic?.content instanceof Uint8Array) {
    g.picture = { id: String(Date.now()), data: Buffer.from(pic.content) }
    change = { tag: 'set', attrs: { jid: g.id, id: g.picture.id, author } }
  } else {
    delete g.picture
    change = { tag: 'delete', attrs: { jid: g.id, author } }
  }
  core.touchGroup(g.id)
  const attrs = { from: g.id, type: 'picture', id: core.nextId(), t: String(unixNow()), participant: author }
  for (const m of g.members) {
    const acc = core.account(m.pn)
    if (!acc) continue
    for (const d of core.companions(acc)) core.deliver(m.pn, d, { tag: 'notification', attrs, content: [change] })
  }
  return g.picture ? [{ tag: 'picture', attrs: { id: g.picture.id } }] : undefined
}
