import { jidNormalizedUser, proto, toNumber, type BaileysEventMap, type WAMessage } from '@whiskeysockets/baileys'
import type { Json, WebhookEvent } from '../../events/catalogue.js'
import { toChatMessage } from '../chat-message.js'
import type { ChatMessage } from '../types.js'
import { renameKeys } from './source.js'

type HistorySet = BaileysEventMap['messaging-history.set']

/** A history message as whatsmeow's `WebMessageInfo` JSON (numbers for longs and enums, base64 bytes). */
export function webMessageInfoJson (m: WAMessage): Json {
  const { key, ...rest } = m
  const info = proto.WebMessageInfo.fromObject({ ...rest, key: { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, participant: key.participant } })
  return renameKeys(proto.WebMessageInfo.toObject(info, { longs: Number, enums: Number, bytes: String }))
}

/** Unix seconds of a history message (0 when it has none). */
function seconds (m: WAMessage): number {
  const t = m.messageTimestamp
  return t === null || t === undefined ? 0 : toNumber(t)
}

/** A history sync, cut to the user's depth, as a webhook event and as chat messages to store. */
export interface HistoryBatch {
  event: WebhookEvent
  messages: ChatMessage[]
  /** Messages left out for being older than the depth setting. */
  dropped: number
}

/**
 * wuzapi's `HistorySync` (`{"Data": <HistorySync proto JSON>}`: `syncType`, `conversations[{ID,
 * messages[{message}]}]`, `pushnames`, `phoneNumberToLidMappings`, `chunkOrder`, `progress`) from
 * Baileys' `messaging-history.set`, keeping only messages of the last `days` days (0: all), and the
 * same messages as chat messages for the history store. `now` is unix seconds; `ownJid` the login.
 * Undefined when the sync carries nothing (no conversation, push name or mapping left).
 */
export function historySyncBatch (set: HistorySet, opts: { days: number, now: number, ownJid: string }): HistoryBatch | undefined {
  const cutoff = opts.days > 0 ? opts.now - opts.days * 86_400 : 0
  const conversations = new Map<string, { ID: string, name?: string, unreadCount?: number, conversationTimestamp?: number, messages: Json[] }>()
  for (const chat of set.chats) {
    const id = chat.id ?? ''
    if (id === '') continue
    const entry: { ID: string, name?: string, unreadCount?: number, conversationTimestamp?: number, messages: Json[] } = { ID: id, messages: [] }
    if (typeof chat.name === 'string') entry.name = chat.name
    if (typeof chat.unreadCount === 'number') entry.unreadCount = chat.unreadCount
    if (chat.conversationTimestamp !== null && chat.conversationTimestamp !== undefined) entry.conversationTimestamp = toNumber(chat.conversationTimestamp)
    conversations.set(id, entry)
  }
  const messages: ChatMessage[] = []
  let dropped = 0
  for (const m of set.messages) {
    const chat = m.key.remoteJid ?? ''
    if (chat === '') continue
    if (cutoff > 0 && seconds(m) < cutoff) {
      dropped++
      continue
    }
    let conv = conversations.get(chat)
    if (conv === undefined) conversations.set(chat, (conv = { ID: chat, messages: [] }))
    conv.messages.push({ message: webMessageInfoJson(m) })
    const message = toChatMessage(m, opts.ownJid)
    if (message !== undefined) messages.push(message)
  }
  // A cut that left a conversation empty drops it too: it only existed for the old messages.
  const convs = [...conversations.values()].filter(c => c.messages.length > 0 || cutoff === 0 || (c.conversationTimestamp ?? 0) >= cutoff)
  const pushnames: Json[] = set.contacts
    .filter(c => typeof c.notify === 'string' && c.notify !== '')
    .map(c => ({ ID: jidNormalizedUser(c.id), pushname: c.notify ?? '' }))
  const mappings: Json[] = (set.lidPnMappings ?? []).map(p => ({ pnJID: p.pn, lidJID: p.lid }))
  if (convs.length === 0 && pushnames.length === 0 && mappings.length === 0) return undefined
  const data: Record<string, Json> = {
    syncType: set.syncType ?? 0,
    conversations: convs as unknown as Json,
    pushnames,
    phoneNumberToLidMappings: mappings
  }
  if (set.chunkOrder !== undefined && set.chunkOrder !== null) data.chunkOrder = set.chunkOrder
  if (set.progress !== undefined && set.progress !== null) data.progress = set.progress
  return { event: { type: 'HistorySync', event: { Data: data } }, messages, dropped }
}
