import type { BaileysEventMap, BinaryNode, GroupMetadata, WAMessage, WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'
import { resolveAddressBook } from './address-book.js'
import { boomStatus } from './errors.js'
import { toContactInfos } from './contacts.js'
import type { ChatMessage, ContactInfo } from './types.js'
import type { WebhookEvent } from '../events/catalogue.js'
import { chatPresenceEvent, receiptEvent } from './webhook-events/receipts.js'
import type { AddressBook } from './webhook-events/source.js'
import { callEvent } from './webhook-events/call.js'
import { addsMe, groupNotice, groupUpdateEvent, joinedGroupEvent, participantsEvent, type GroupNotice } from './webhook-events/group.js'
import { historySyncBatch } from './webhook-events/history.js'
import { identityChangeEvent } from './webhook-events/identity.js'
import { pictureEvents } from './webhook-events/picture.js'
import { presenceEvent } from './webhook-events/presence.js'

/** A `connection.update` in our terms. */
export interface ConnectionUpdate {
  /** A new QR code to show. */
  qr?: string
  /** Pairing just succeeded (the login is in the creds). */
  newLogin?: boolean
  opened?: boolean
  /** The socket closed; `error` is undefined for our own `end(undefined)`. */
  closed?: { code: number | undefined, message: string | undefined, error: Error | undefined }
}

/** What the session does with a socket's events. Called synchronously, one batch at a time. */
export interface TapHandlers {
  connection (update: ConnectionUpdate): void
  credsChanged (): void
  groupsUpserted (groups: readonly GroupMetadata[]): void
  /** A group's settings or participants changed: its cached metadata is stale. */
  groupChanged (jid: string): void
  /**
   * A `messages.upsert` batch: messages that arrived (live, from the offline queue, or sent from the
   * user's phone), undecryptable stubs, and Baileys' echoes of our own sends.
   */
  messages (sock: WASocket, messages: readonly WAMessage[]): void
  /** A webhook event mapped from the batch (receipts, presence, calls, groups, history, ...). */
  webhook (event: WebhookEvent): void
  /** Contacts told about by the history sync, the address book or push names. */
  contacts?: (contacts: ContactInfo[]) => void
  /** Chat messages of a history sync (already cut to {@link historyDays}), for the message history. */
  historyMessages? (messages: readonly ChatMessage[]): void
  /** How many days of history the user wants from a history sync (0: all the phone sends). */
  historyDays? (): number
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * The webhook events of a batch that need no stanza: calls, group changes, joined groups and
 * history syncs. `sock` is used only to fetch a group the user was added to.
 */
function mapBatch (sock: WASocket, batch: Partial<BaileysEventMap>, handlers: TapHandlers, logger: Logger, notices: ReadonlyMap<string, GroupNotice>): void {
  const now = nowSeconds()
  for (const call of batch.call ?? []) {
    const event = callEvent(call)
    if (event !== undefined) handlers.webhook(event)
  }
  for (const g of batch['groups.upsert'] ?? []) handlers.webhook(joinedGroupEvent(g))
  for (const g of batch['groups.update'] ?? []) {
    const event = groupUpdateEvent(g, now, notices.get(g.id ?? ''))
    if (event !== undefined) handlers.webhook(event)
  }
  const participants = batch['group-participants.update']
  if (participants !== undefined) {
    const event = participantsEvent(participants, now, notices.get(participants.id))
    if (event !== undefined) handlers.webhook(event)
    if (addsMe(participants, { id: sock.user?.id, lid: sock.user?.lid })) {
      sock.groupMetadata(participants.id)
        .then(meta => { handlers.webhook(joinedGroupEvent({ ...meta, author: participants.author, authorPn: participants.authorPn })) })
        .catch((err: unknown) => { logger.warn({ err, group: participants.id }, 'could not read the group the user was added to') })
    }
  }
  const history = batch['messaging-history.set']
  if (history !== undefined) {
    const cut = historySyncBatch(history, { days: handlers.historyDays?.() ?? 0, now, ownJid: sock.user?.id ?? '' })
    if (cut !== undefined) {
      if (cut.messages.length > 0) handlers.historyMessages?.(cut.messages)
      handlers.webhook(cut.event)
    }
  }
}

/**
 * Stanzas read directly (Baileys has no event for them, or loses what wuzapi sends): `<presence>`
 * (Baileys reports a chat's `paused` as the same `available`), picture and identity notifications,
 * and the latest group notification per group (its time, push name and phone JID, for GroupInfo).
 * Returns the detacher.
 */
function tapStanzas (sock: WASocket, handlers: TapHandlers, logger: Logger, attached: () => boolean, notices: Map<string, GroupNotice>): () => void {
  const guard = (fn: (node: BinaryNode) => void) => (node: BinaryNode): void => {
    if (!attached()) return
    try {
      fn(node)
    } catch (err) {
      logger.error({ err }, 'stanza event handler failed')
    }
  }
  const listeners: Array<[string, (node: BinaryNode) => void]> = [
    ['CB:presence', guard(node => {
      const event = presenceEvent(node.attrs)
      if (event !== undefined) handlers.webhook(event)
    })],
    // seen before Baileys handles the notification (listeners of the longer name run first)
    ['CB:notification,type:w:gp2', guard(node => { if (node.attrs.from !== undefined) notices.set(node.attrs.from, groupNotice(node.attrs)) })],
    ['CB:notification,type:picture', guard(node => { for (const event of pictureEvents(node)) handlers.webhook(event) })],
    ['CB:notification,type:encrypt,identity', guard(node => {
      const event = identityChangeEvent(node)
      if (event !== undefined) handlers.webhook(event)
    })]
  ]
  for (const [name, fn] of listeners) sock.ws.on(name, fn)
  return () => { for (const [name, fn] of listeners) sock.ws.off(name, fn) }
}

/** Raw stanzas mapped straight to webhook events (Baileys' own events lose what wuzapi sends). */
const STANZAS: ReadonlyArray<[string, (node: BinaryNode, book: AddressBook) => WebhookEvent | undefined]> = [
  ['CB:receipt', receiptEvent],
  ['CB:chatstate', chatPresenceEvent]
]

function connectionUpdate (u: BaileysEventMap['connection.update']): ConnectionUpdate {
  const out: ConnectionUpdate = {}
  if (u.qr !== undefined) out.qr = u.qr
  if (u.isNewLogin === true) out.newLogin = true
  if (u.connection === 'open') out.opened = true
  if (u.connection === 'close') {
    const error = u.lastDisconnect?.error
    out.closed = { code: boomStatus(error), message: error?.message, error }
  }
  return out
}

/**
 * Taps a socket's events: one `sock.ev.process` handler, translating the batches the session needs
 * into {@link TapHandlers} calls. Returns the disposer that detaches it (call it when the socket
 * ends, so a dead socket never reaches the session again). A handler that throws is logged, never
 * left as an unhandled rejection inside Baileys.
 */
export function tapSocket (sock: WASocket, handlers: TapHandlers, logger: Logger): () => void {
  let attached = true
  /** The latest `w:gp2` notification of each group (one entry per group the user is in). */
  const notices = new Map<string, GroupNotice>()
  const detach = sock.ev.process(async batch => {
    if (!attached) return
    try {
      if (batch['creds.update'] !== undefined) handlers.credsChanged()
      const groups = batch['groups.upsert']
      if (groups !== undefined) handlers.groupsUpserted(groups)
      for (const g of batch['groups.update'] ?? []) if (g.id) handlers.groupChanged(g.id)
      const participants = batch['group-participants.update']
      if (participants !== undefined) handlers.groupChanged(participants.id)
      const connection = batch['connection.update']
      if (connection !== undefined) handlers.connection(connectionUpdate(connection))
      const told = [...batch['messaging-history.set']?.contacts ?? [], ...batch['contacts.upsert'] ?? [], ...batch['contacts.update'] ?? []]
      const contacts = told.length > 0 ? toContactInfos(told) : []
      if (contacts.length > 0) handlers.contacts?.(contacts)
      const upsert = batch['messages.upsert']
      if (upsert !== undefined && upsert.messages.length > 0) handlers.messages(sock, upsert.messages)
      mapBatch(sock, batch, handlers, logger, notices)
    } catch (err) {
      logger.error({ err }, 'session event handler failed')
    }
  })
  // Receipts and chat states, read from the raw stanzas: in the order they came, each once its
  // LID/phone pairs are looked up.
  let stanzas: Promise<void> = Promise.resolve()
  const listeners = STANZAS.map(([name, map]) => {
    const listener = (node: BinaryNode): void => {
      const { from, participant, recipient } = node.attrs
      stanzas = stanzas.then(async () => {
        const book = await resolveAddressBook(sock, [from, participant, recipient])
        const event = map(node, book)
        if (attached && event !== undefined) handlers.webhook(event)
      }).catch(err => { logger.error({ err, tag: node.tag }, 'could not map a stanza to a webhook event') })
    }
    sock.ws.on(name, listener)
    return [name, listener] as const
  })
  const detachStanzas = tapStanzas(sock, handlers, logger, () => attached, notices)
  return () => {
    attached = false
    detach()
    for (const [name, listener] of listeners) sock.ws.off(name, listener)
    detachStanzas()
    notices.clear()
  }
}
