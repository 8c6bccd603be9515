import type { AnyMessageContent } from '@whiskeysockets/baileys'
import type { PhoneGroupChange, PhoneSendOptions, VirtualPhone } from './phones.js'

/**
 * What a virtual phone can do in a chat, in plain terms (no Baileys shapes), so the HTTP layer can
 * script a conversation: every message kind a user's session has to handle, plus receipts, chat
 * state and presence.
 */

/** A message the phone replies to: its id, its author (default: the chat) and its text. */
export interface PhoneQuote { id: string, participant?: string, text?: string }

export type PhoneMediaKind = 'image' | 'document' | 'audio' | 'video' | 'sticker'

export type PhoneAction =
  | { kind: 'text', text: string }
  | { kind: 'media', media: PhoneMediaKind, data: Buffer, mimetype: string, caption?: string, fileName?: string, ptt?: boolean }
  | { kind: 'location', latitude: number, longitude: number, name?: string }
  | { kind: 'contact', name: string, vcard: string }
  | { kind: 'poll', name: string, options: string[], selectableCount: number }
  /** `fromMe`: the message is the phone's own; else the other side's (in a group, `participant` wrote it). */
  | { kind: 'reaction', id: string, emoji: string, fromMe: boolean, participant?: string }
  | { kind: 'edit', id: string, text: string }
  | { kind: 'revoke', id: string }
  /** A vote in a poll the phone received (option names; none retracts). */
  | { kind: 'vote', id: string, options: string[] }
  | { kind: 'read', ids: string[], participant?: string }
  | { kind: 'chatstate', state: 'composing' | 'paused' | 'recording' }
  | { kind: 'presence', type: 'available' | 'unavailable' }
  /** A vote in a poll the phone received (`options`: option names; none withdraws the vote). */
  | { kind: 'vote', id: string, options: string[] }
  /** `offer` rings the chat's user; `terminate` ends call `id` (`reason` "timeout": unanswered). */
  | { kind: 'call', call: 'offer' | 'terminate', id?: string, video: boolean, reason?: string }
  /** A new profile picture (`data`), or none. */
  | { kind: 'picture', data: Buffer | undefined }
  /** The phone's security code changed (a re-registration). */
  | { kind: 'identity' }
  | { kind: 'group-create', subject: string, members: string[] }
  | { kind: 'group-change', change: PhoneGroupChange }

function mediaContent (a: Extract<PhoneAction, { kind: 'media' }>): AnyMessageContent {
  const caption = a.caption !== undefined ? { caption: a.caption } : {}
  switch (a.media) {
    case 'image': return { image: a.data, mimetype: a.mimetype, ...caption }
    case 'video': return { video: a.data, mimetype: a.mimetype, ...caption }
    case 'document': return { document: a.data, mimetype: a.mimetype, fileName: a.fileName ?? 'file', ...caption }
    case 'audio': return { audio: a.data, mimetype: a.mimetype, ptt: a.ptt ?? false }
    case 'sticker': return { sticker: a.data, mimetype: a.mimetype }
  }
}

type SignalKind = 'read' | 'chatstate' | 'presence' | 'vote' | 'call' | 'picture' | 'identity' | 'group-create' | 'group-change'

function content (to: string, a: Exclude<PhoneAction, { kind: SignalKind }>): AnyMessageContent {
  switch (a.kind) {
    case 'text': return { text: a.text }
    case 'media': return mediaContent(a)
    case 'location': return { location: { degreesLatitude: a.latitude, degreesLongitude: a.longitude, ...(a.name !== undefined ? { name: a.name } : {}) } }
    case 'contact': return { contacts: { displayName: a.name, contacts: [{ displayName: a.name, vcard: a.vcard }] } }
    case 'poll': return { poll: { name: a.name, values: a.options, selectableCount: a.selectableCount } }
    case 'reaction': return { react: { text: a.emoji, key: { remoteJid: to, fromMe: a.fromMe, id: a.id, ...(a.participant !== undefined ? { participant: a.participant } : {}) } } }
    case 'edit': return { text: a.text, edit: { remoteJid: to, fromMe: true, id: a.id } }
    case 'revoke': return { delete: { remoteJid: to, fromMe: true, id: a.id } }
  }
}

/**
 * Runs an action of `phone` in chat `to` (a JID; presence, votes and group creation need none).
 * Resolves with the id of the message sent (the vote's for a vote), the call id for calls, the
 * picture id, the new group's JID, or '' for receipts, chat state, presence and the rest.
 */
export async function runPhoneAction (phone: VirtualPhone, to: string, action: PhoneAction, quote?: PhoneQuote): Promise<string> {
  switch (action.kind) {
    case 'read':
      phone.sendReceipt(to, action.ids, 'read', action.participant)
      return ''
    case 'chatstate':
      phone.sendChatState(to, action.state)
      return ''
    case 'presence':
      phone.setPresence(action.type)
      return ''
    case 'vote':
      return phone.votePoll(action.id, action.options)
    case 'call':
      return phone.call(to, action.call, { callId: action.id, video: action.video, reason: action.reason })
    case 'picture':
      return phone.setPicture(to, action.data)
    case 'identity':
      phone.announceIdentityChange(to)
      return ''
    case 'group-create':
      return phone.createGroup(action.subject, action.members)
    case 'group-change':
      phone.changeGroup(to, action.change)
      return ''
  }
  const opts: PhoneSendOptions = quote === undefined
    ? {}
    : { quoted: { id: quote.id, participant: quote.participant ?? to, message: { conversation: quote.text ?? '' } } }
  return await phone.sendMessage(to, content(to, action), opts)
}
