import type { BaileysEventMap, BinaryNode, GroupMetadata, WAMessage, WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'
import { resolveAddressBook } from './address-book.js'
import { boomStatus } from './errors.js'
import { toContactInfos } from './contacts.js'
import type { ContactInfo } from './types.js'
import type { WebhookEvent } from '../events/catalogue.js'
import { chatPresenceEvent, receiptEvent } from './webhook-events/receipts.js'
import type { AddressBook } from './webhook-events/source.js'

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
  return () => {
    attached = false
    detach()
    for (const [name, listener] of listeners) sock.ws.off(name, listener)
  }
}
