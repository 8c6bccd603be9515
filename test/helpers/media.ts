import { downloadContentFromMessage, toBuffer, type MediaType } from '@whiskeysockets/baileys'
import type { TestServer } from './server.js'

/** The media fields of a received message that a download needs (proto types allow null). */
export interface ReceivedMedia { mediaKey?: Uint8Array | null, directPath?: string | null, url?: string | null }

/** A data URL of these bytes, as a client sends media in JSON. */
export function dataUrl (type: string, bytes: Buffer): string {
  return `data:${type};base64,${bytes.toString('base64')}`
}

/** The decrypted bytes of media a virtual phone (or session) received, from the sandbox's media host. */
export async function downloadReceived (server: TestServer, media: ReceivedMedia, type: MediaType): Promise<Buffer> {
  return await toBuffer(await downloadContentFromMessage(media as { mediaKey: Uint8Array, directPath: string, url: string }, type, server.sandbox!.downloadOptions()))
}
