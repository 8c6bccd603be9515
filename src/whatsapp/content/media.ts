import type { BuiltContent, OutgoingMessage } from '../outgoing.js'

type MediaOut = Extract<OutgoingMessage, { kind: 'image' | 'document' | 'audio' | 'video' | 'sticker' }>

/** Media messages: Baileys encrypts and uploads the file or bytes (filled in by the media work). */
export function mediaContent (message: MediaOut): BuiltContent {
  throw new Error(`sending ${message.kind} is not implemented yet`)
}
