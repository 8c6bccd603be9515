import type { BuiltContent, ContactOut, LocationOut, PollOut, TextOut } from '../outgoing.js'
import { withContext } from './context.js'

/**
 * Always an `extendedTextMessage`, as wuzapi sends. `linkPreview: null` keeps Baileys from fetching
 * the first URL of the text: this server never fetches pages, so `LinkPreview` attaches no card.
 */
export function textContent (message: TextOut): BuiltContent {
  return { content: withContext({ text: message.text, linkPreview: null }, message.context) }
}

export function locationContent (message: LocationOut): BuiltContent {
  const location = {
    degreesLatitude: message.latitude,
    degreesLongitude: message.longitude,
    ...(message.name !== undefined ? { name: message.name } : {}),
    ...(message.address !== undefined ? { address: message.address } : {})
  }
  return { content: withContext({ location }, message.context) }
}

export function contactContent (message: ContactOut): BuiltContent {
  const contacts = { displayName: message.displayName, contacts: [{ displayName: message.displayName, vcard: message.vcard }] }
  return { content: withContext({ contacts }, message.context) }
}

/** Baileys adds the 32-byte `messageSecret` votes are encrypted with; single choice becomes `pollCreationMessageV3`. */
export function pollContent (message: PollOut): BuiltContent {
  return { content: { poll: { name: message.name, values: message.options, selectableCount: message.selectableCount } } }
}
