import type { BuiltContent, ContactOut, LocationOut, PollOut, TextOut } from '../outgoing.js'

// Builders of Baileys content for text-like messages (filled in by the messaging work).

export function textContent (message: TextOut): BuiltContent {
  return { content: { text: message.text } }
}

export function locationContent (message: LocationOut): BuiltContent {
  return { content: { location: { degreesLatitude: message.latitude, degreesLongitude: message.longitude, name: message.name } } }
}

export function contactContent (message: ContactOut): BuiltContent {
  return { content: { contacts: { displayName: message.displayName, contacts: [{ displayName: message.displayName, vcard: message.vcard }] } } }
}

export function pollContent (message: PollOut): BuiltContent {
  return { content: { poll: { name: message.name, values: message.options, selectableCount: message.selectableCount } } }
}
