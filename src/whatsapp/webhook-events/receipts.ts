import type { BinaryNode } from '@whiskeysockets/baileys'
import type { Json, WebhookEvent } from '../../events/catalogue.js'
import { goTimeSeconds, sourceJson, stanzaSource, type AddressBook } from './source.js'

/** The receipt types wuzapi forwards, and the `state` it adds: delivery (no type), read, read-self. */
const STATES: Record<string, string> = { '': 'Delivered', read: 'Read', 'read-self': 'ReadSelf' }

function childrenOf (node: BinaryNode): BinaryNode[] {
  return Array.isArray(node.content) ? node.content : []
}

/**
 * A `<receipt>` stanza as wuzapi's `ReadReceipt` event: whatsmeow's `events.Receipt` (the message
 * source, `MessageIDs` with the ids of a `<list>`, `Timestamp`, `Type`, `MessageSender`) and
 * `state` Delivered / Read / ReadSelf. Other receipt types (played, retry, sender, inactive,
 * history sync, ...) are not forwarded, as in wuzapi: undefined.
 */
export function receiptEvent (node: BinaryNode, book: AddressBook): WebhookEvent | undefined {
  if (node.tag !== 'receipt') return undefined
  const { attrs } = node
  const type = attrs.type ?? ''
  const state = STATES[type]
  const id = attrs.id ?? ''
  if (state === undefined || id === '' || attrs.from === undefined) return undefined
  const source = stanzaSource(attrs, book)
  if (source.IsGroup && source.Sender === '') return undefined
  const ids = [id]
  const children = childrenOf(node)
  if (children.length === 1 && children[0]?.tag === 'list') {
    for (const item of childrenOf(children[0])) {
      const itemId = item.attrs.id
      if (item.tag === 'item' && itemId !== undefined) ids.push(itemId)
    }
  }
  const event: Record<string, Json> = {
    ...sourceJson(source),
    MessageIDs: ids,
    Timestamp: goTimeSeconds(Number(attrs.t ?? 0)),
    Type: type,
    MessageSender: attrs.sender ?? ''
  }
  return { type: 'ReadReceipt', event, extra: { state } }
}

/**
 * A `<chatstate>` stanza as wuzapi's `ChatPresence` event: the message source, `State`
 * (`composing` or `paused`, the child's tag) and `Media` (`audio` while recording). Baileys'
 * `presence.update` reports `paused` as `available`, so the raw stanza is read. Undefined for a
 * stanza without a state child.
 */
export function chatPresenceEvent (node: BinaryNode, book: AddressBook): WebhookEvent | undefined {
  if (node.tag !== 'chatstate' || node.attrs.from === undefined) return undefined
  const child = childrenOf(node)[0]
  if (child === undefined) return undefined
  const source = stanzaSource(node.attrs, book)
  return { type: 'ChatPresence', event: { ...sourceJson(source), State: child.tag, Media: child.attrs.media ?? '' } }
}
