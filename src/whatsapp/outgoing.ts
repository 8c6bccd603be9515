import type { AnyMessageContent, BinaryNode, MiscMessageGenerationOptions, proto } from '@whiskeysockets/baileys'
import { mediaContent } from './content/media.js'
import { actionContent } from './content/actions.js'
import { textContent, locationContent, contactContent, pollContent } from './content/text.js'
import { buttonsContent, listContent } from './content/interactive.js'

/**
 * What a user asks us to send, in our own terms (services never see Baileys' content shapes);
 * `toContent` turns it into Baileys' content. One kind per route family.
 */

/** wuzapi's `ContextInfo`: a reply to a message (`stanzaId` + `participant`), mentions, forwarded flag. */
export interface ReplyContext {
  stanzaId?: string
  /** The quoted message's author (a JID). */
  participant?: string
  /** The quoted message as proto JSON (wuzapi's `QuotedMessage`), or just its text (`QuotedText`). */
  quotedMessage?: Record<string, unknown>
  quotedText?: string
  mentionedJids?: string[]
  isForwarded?: boolean
}

export interface TextOut { kind: 'text', text: string, linkPreview?: boolean, context?: ReplyContext }
export interface LocationOut { kind: 'location', latitude: number, longitude: number, name?: string, address?: string, context?: ReplyContext }
export interface ContactOut { kind: 'contact', displayName: string, vcard: string, context?: ReplyContext }
export interface PollOut { kind: 'poll', name: string, options: string[], selectableCount: number }

/** A message of ours or someone else's in a chat (wuzapi's `me:` prefix means ours). */
export interface MessageRef { chat: string, id: string, fromMe: boolean, participant?: string }
export interface EditOut { kind: 'edit', target: MessageRef, text: string }
export interface RevokeOut { kind: 'revoke', target: MessageRef }
/** `emoji` '' removes the reaction. */
export interface ReactionOut { kind: 'reaction', target: MessageRef, emoji: string }

/** Media already taken in (checked and sized): a file on disk or bytes in memory. */
export interface MediaBody { path?: string, data?: Buffer, mimetype: string }
export interface ImageOut { kind: 'image', media: MediaBody, caption?: string, viewOnce?: boolean, jpegThumbnail?: Buffer, width?: number, height?: number, context?: ReplyContext }
export interface DocumentOut { kind: 'document', media: MediaBody, fileName: string, caption?: string, context?: ReplyContext }
export interface AudioOut { kind: 'audio', media: MediaBody, ptt: boolean, seconds?: number, waveform?: Buffer, context?: ReplyContext }
export interface VideoOut { kind: 'video', media: MediaBody, caption?: string, viewOnce?: boolean, gifPlayback?: boolean, jpegThumbnail?: Buffer, width?: number, height?: number, context?: ReplyContext }
export interface StickerOut { kind: 'sticker', media: MediaBody, isAnimated?: boolean, width?: number, height?: number, pngThumbnail?: Buffer, context?: ReplyContext }

/** One of wuzapi's button types: a quick reply, or a call-to-action (open a URL, call, copy a code). */
export type ButtonAction =
  | { type: 'reply', title: string, id: string }
  | { type: 'url', title: string, url: string }
  | { type: 'call', title: string, phone: string }
  | { type: 'copy', title: string, code: string }
export interface ButtonsOut { kind: 'buttons', body: string, title?: string, footer?: string, buttons: ButtonAction[], context?: ReplyContext }
export interface ListRow { id: string, title: string, description?: string }
export interface ListSection { title: string, rows: ListRow[] }
export interface ListOut { kind: 'list', body: string, buttonText: string, title?: string, footer?: string, sections: ListSection[], context?: ReplyContext }

export type OutgoingMessage =
  | TextOut | LocationOut | ContactOut | PollOut | ButtonsOut | ListOut
  | EditOut | RevokeOut | ReactionOut
  | ImageOut | DocumentOut | AudioOut | VideoOut | StickerOut

export type OutgoingKind = OutgoingMessage['kind']

/**
 * Baileys content plus the send options some kinds need; or, for what Baileys cannot build from
 * content (buttons, lists), the proto message itself and the extra stanza nodes it is relayed with.
 */
export type BuiltContent =
  | { content: AnyMessageContent, options?: MiscMessageGenerationOptions }
  | { proto: proto.IMessage, nodes: BinaryNode[] }

/** Baileys content for one of our outgoing messages. */
export function toContent (message: OutgoingMessage): BuiltContent {
  switch (message.kind) {
    case 'text': return textContent(message)
    case 'location': return locationContent(message)
    case 'contact': return contactContent(message)
    case 'poll': return pollContent(message)
    case 'buttons': return buttonsContent(message)
    case 'list': return listContent(message)
    case 'edit':
    case 'revoke':
    case 'reaction': return actionContent(message)
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': return mediaContent(message)
  }
}
