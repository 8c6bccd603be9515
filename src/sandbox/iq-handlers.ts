import { S_WHATSAPP_NET, getBinaryNodeChild, getBinaryNodeChildren, isJidGroup } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import type { SandboxCore } from './core.js'
import { handleEncryptIq, handleUsync, nodeText, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { Pairing } from './pairing.js'
import { hiddenFrom } from './privacy.js'

/** An IQ answer: result children, or an error code. */
export type IqAnswer = BinaryNode[] | undefined | { error: number; text: string }

/** Handler of one namespace (`xmlns`). */
export type IqHandler = (conn: EdgeConnection, iq: BinaryNode) => IqAnswer | Promise<IqAnswer>

/** Builds the reply stanza for an IQ. */
export function iqReply (iq: BinaryNode, answer: IqAnswer): BinaryNode {
  const attrs = { id: iq.attrs.id ?? '', from: iq.attrs.to ?? S_WHATSAPP_NET }
  if (answer && !Array.isArray(answer)) {
    return {
      tag: 'iq',
      attrs: { ...attrs, type: 'error' },
      content: [{ tag: 'error', attrs: { code: String(answer.error), text: answer.text } }]
    }
  }
  return { tag: 'iq', attrs: { ...attrs, type: 'result' }, content: answer?.length ? answer : undefined }
}

const PRIVACY: Record<string, string> = {
  readreceipts: 'all',
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  calladd: 'all',
  messages: 'all'
}

/** The IQ namespaces that need no group logic. */
export function baseIqHandlers (core: SandboxCore, pairing: Pairing): Record<string, IqHandler> {
  const me = (conn: EdgeConnection) => (conn.pn ? core.account(conn.pn) : undefined)
  return {
    encrypt: (conn, iq) => (conn.pn !== undefined ? handleEncryptIq(core, conn.pn, conn.device ?? 0, iq) : undefined),
    usync: (conn, iq) => handleUsync(core, iq, conn.pn),
    md: (conn, iq) => {
      const link = pairing.handleLinkCode(conn, iq)
      if (link) return link
      const remove = getBinaryNodeChild(iq, 'remove-companion-device')
      const acc = me(conn)
      if (remove && acc && conn.device) {
        delete acc.devices[String(conn.device)]
        core.touchDevice(acc.pn, conn.device)
        core.dropQueue(acc.pn, conn.device)
      }
      return undefined
    },
    'w:m': () => [
      {
        tag: 'media_conn',
        attrs: { auth: 'sandbox-auth', ttl: '3600', auth_ttl: '3600', max_buckets: '12' },
        content: [{ tag: 'host', attrs: { hostname: core.config.mediaHost, maxContentLengthBytes: '104857600' } }]
      }
    ],
    privacy: (conn, iq) => {
      const privacy = getBinaryNodeChild(iq, 'privacy')
      if (!privacy) return undefined
      const acc = me(conn)
      if (iq.attrs.type === 'set') {
        if (!acc) return undefined
        for (const c of getBinaryNodeChildren(privacy, 'category')) {
          const { name, value } = c.attrs
          if (!name || !value || !(name in PRIVACY)) return { error: 400, text: 'bad-request' }
          acc.privacy = { ...acc.privacy, [name]: value }
        }
        core.touchAccount(acc.pn)
        return undefined
      }
      const settings = { ...PRIVACY, ...acc?.privacy }
      return [
        {
          tag: 'privacy',
          attrs: {},
          content: Object.entries(settings).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }))
        }
      ]
    },
    'w:sync:app:state': (_c, iq) => {
      const sync = getBinaryNodeChild(iq, 'sync')
      const collections = getBinaryNodeChildren(sync, 'collection').map(c => ({
        tag: 'collection',
        attrs: { name: c.attrs.name ?? '', version: c.attrs.version ?? '0' }
      }))
      return [{ tag: 'sync', attrs: {}, content: collections }]
    },
    'w:profile:picture': (conn, iq) => {
      if (iq.attrs.type === 'set') {
        const acc = me(conn)
        const pic = getBinaryNodeChild(iq, 'picture')
        if (acc && !iq.attrs.target) {
          if (pic?.content instanceof Uint8Array) acc.picture = { id: String(Date.now()), data: Buffer.from(pic.content) }
          else delete acc.picture
          core.touchAccount(acc.pn)
        }
        return undefined
      }
      const target = core.resolve(iq.attrs.target)
      const pic = target?.acc.picture
      if (!target || !pic) return { error: 404, text: 'item-not-found' }
      if (conn.pn !== target.acc.pn && hiddenFrom(target.acc, 'profile', conn.pn)) return { error: 401, text: 'not-authorized' }
      const path = `/pp/${target.acc.pn}/${pic.id}`
      return [
        { tag: 'picture', attrs: { id: pic.id, type: 'image', url: `https://${core.config.mediaHost}${path}`, direct_path: path } }
      ]
    },
    blocklist: (conn, iq) => {
      const acc = me(conn)
      if (!acc) return undefined
      if (iq.attrs.type === 'get') {
        return [{ tag: 'list', attrs: {}, content: acc.blocklist.map(jid => ({ tag: 'item', attrs: { jid } })) }]
      }
      // Baileys names the user by LID (`jid`), with the phone JID (`pn_jid`) only when blocking
      const item = getBinaryNodeChild(iq, 'item')
      const target = core.resolve(item?.attrs.pn_jid ?? item?.attrs.jid)
      if (!target) return { error: 404, text: 'item-not-found' }
      const jid = pnJid(target.acc.pn)
      acc.blocklist = acc.blocklist.filter(j => j !== jid)
      if (item?.attrs.action === 'block') acc.blocklist.push(jid)
      core.touchAccount(acc.pn)
      return undefined
    },
    abt: () => [{ tag: 'props', attrs: { protocol: '1', hash: 'sandbox' }, content: [] }],
    status: (conn, iq) => {
      const acc = me(conn)
      const s = getBinaryNodeChild(iq, 'status')
      if (acc && s) {
        acc.status = nodeText(s)
        core.touchAccount(acc.pn)
      }
      return undefined
    }
  }
}

/** Routes one IQ to its handler and sends the reply. */
export async function dispatchIq (conn: EdgeConnection, iq: BinaryNode, handlers: Record<string, IqHandler>): Promise<void> {
  const ns = iq.attrs.xmlns ?? ''
  const handler = isJidGroup(iq.attrs.to) || ns === 'w:g2' ? handlers['w:g2'] : handlers[ns]
  let answer: IqAnswer
  try {
    answer = handler ? await handler(conn, iq) : undefined
  } catch (e) {
    answer = { error: 500, text: (e as Error).message }
  }
  conn.send(iqReply(iq, answer))
}

/** `pn@s.whatsapp.net` of a connection's account. */
export const connUserJid = (conn: EdgeConnection): string => pnJid(conn.pn ?? '')
