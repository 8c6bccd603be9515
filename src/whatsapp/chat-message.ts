import { isLidUser, isPnUser, jidNormalizedUser, toNumber, type WAMessage } from '@whiskeysockets/baileys'
import { messageToJson } from './message-json.js'
import { summarizeMessage } from './message-summary.js'
import type { ChatMessage } from './types.js'

/** A user's phone JID where the key carries one beside the LID (WhatsApp's LID addressing), else the JID as given. */
function preferPhone (jid: string | null | undefined, alt: string | null | undefined): string {
  const main = jidNormalizedUser(jid ?? '')
  if (isLidUser(main) === true && alt !== null && alt !== undefined && isPnUser(alt) === true) return jidNormalizedUser(alt)
  return main
}

/**
 * One `messages.upsert` message in our terms, or undefined for what is not a chat message (stubs,
 * WhatsApp's protocol housekeeping, messages without an id or chat). `ownJid` is the session's
 * login (any form): the sender of our own messages.
 */
export function toChatMessage (m: WAMessage, ownJid: string): ChatMessage | undefined {
  const { key } = m
  const id = key.id ?? ''
  const chat = preferPhone(key.remoteJid, key.remoteJidAlt)
  if (id === '' || chat === '') return undefined
  const message = messageToJson(m.message)
  const summary = summarizeMessage(message)
  if (message === null || summary === undefined) return undefined
  const fromMe = key.fromMe === true
  const participant = preferPhone(key.participant, key.participantAlt)
  const sender = fromMe ? jidNormalizedUser(ownJid) : participant !== '' ? participant : chat
  const t = m.messageTimestamp
  return {
    id,
    chat,
    sender,
    fromMe,
    timestamp: t === null || t === undefined ? Math.floor(Date.now() / 1000) : toNumber(t),
    pushName: m.pushName ?? '',
    ...summary,
    message
  }
}

/** A message the server accepted from us (see `SendReceipt`) in our terms; `sender` is our login's JID. */
export function sentChatMessage (chat: string, sender: string, sent: { id: string, timestamp: number, message: Record<string, unknown> | null }): ChatMessage | undefined {
  const summary = summarizeMessage(sent.message)
  if (sent.message === null || summary === undefined) return undefined
  return {
    id: sent.id,
    chat,
    sender: sender === '' ? '' : jidNormalizedUser(sender),
    fromMe: true,
    timestamp: sent.timestamp,
    pushName: '',
    ...summary,
    message: sent.message
  }
}
