import type { BinaryNode } from '@whiskeysockets/baileys'
import type { WebhookEvent } from '../../events/catalogue.js'
import { rfc3339, unixAttr } from './time.js'

/**
 * wuzapi's `Picture` events (`{JID, Author, Timestamp, Remove, PictureID}`) from a
 * `<notification type="picture">`: one per `<set>`/`<add>` (a new picture, its id) or `<delete>`
 * (removed). Read from the stanza: Baileys' `contacts.update {imgUrl}` drops the author and the id.
 */
export function pictureEvents (node: BinaryNode): WebhookEvent[] {
  if (node.tag !== 'notification' || node.attrs.type !== 'picture' || !Array.isArray(node.content)) return []
  const timestamp = rfc3339(unixAttr(node.attrs.t))
  const out: WebhookEvent[] = []
  for (const child of node.content) {
    if (child.tag !== 'set' && child.tag !== 'add' && child.tag !== 'delete') continue
    const jid = child.attrs.jid ?? node.attrs.from ?? ''
    if (jid === '') continue
    const remove = child.tag === 'delete'
    out.push({
      type: 'Picture',
      event: { JID: jid, Author: child.attrs.author ?? '', Timestamp: timestamp, Remove: remove, PictureID: remove ? '' : (child.attrs.id ?? '') },
      ...(node.attrs.id !== undefined ? { sourceKey: `picture:${node.attrs.id}:${jid}` } : {})
    })
  }
  return out
}
