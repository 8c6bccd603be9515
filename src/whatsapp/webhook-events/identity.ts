import { getBinaryNodeChild, type BinaryNode } from '@whiskeysockets/baileys'
import type { WebhookEvent } from '../../events/catalogue.js'
import { rfc3339, unixAttr } from './time.js'

/**
 * wuzapi's `IdentityChange` (`{JID, Timestamp, Implicit}`): a contact's security code changed
 * (they reinstalled WhatsApp or moved to a new phone), from `<notification type="encrypt"><identity/>`.
 * Baileys only logs these (and refreshes the Signal session), so the stanza is read directly.
 * `Implicit` is whatsmeow's "noticed from a message" flag: always false for a notification.
 */
export function identityChangeEvent (node: BinaryNode): WebhookEvent | undefined {
  if (node.tag !== 'notification' || node.attrs.type !== 'encrypt') return undefined
  if (getBinaryNodeChild(node, 'identity') === undefined) return undefined
  const from = node.attrs.from ?? ''
  if (from === '') return undefined
  return {
    type: 'IdentityChange',
    event: { JID: from, Timestamp: rfc3339(unixAttr(node.attrs.t)), Implicit: false },
    ...(node.attrs.id !== undefined ? { sourceKey: `identity:${node.attrs.id}` } : {})
  }
}
