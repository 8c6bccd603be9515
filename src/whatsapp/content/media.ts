import type { WAMediaUpload } from '@whiskeysockets/baileys'
import type { BuiltContent, DocumentOut, ImageOut, MediaBody, OutgoingMessage } from '../outgoing.js'
import { contextInfo } from './context.js'

type MediaOut = Extract<OutgoingMessage, { kind: 'image' | 'document' | 'audio' | 'video' | 'sticker' }>

/** Baileys reads a file itself (`{ url: path }`, streamed while it encrypts) or takes bytes. */
function upload (media: MediaBody): WAMediaUpload {
  if (media.data !== undefined) return media.data
  if (media.path !== undefined) return { url: media.path }
  throw new Error('media without a path or data')
}

function imageContent (message: ImageOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      image: upload(message.media),
      mimetype: message.media.mimetype,
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.jpegThumbnail !== undefined ? { jpegThumbnail: message.jpegThumbnail.toString('base64') } : {}),
      ...(message.width !== undefined ? { width: message.width } : {}),
      ...(message.height !== undefined ? { height: message.height } : {}),
      ...(message.viewOnce === true ? { viewOnce: true } : {}),
      ...(context !== undefined ? { contextInfo: context } : {})
    }
  }
}

function documentContent (message: DocumentOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      document: upload(message.media),
      mimetype: message.media.mimetype,
      fileName: message.fileName,
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(context !== undefined ? { contextInfo: context } : {})
    }
  }
}

/** Media messages: Baileys encrypts and uploads the file or bytes. */
export function mediaContent (message: MediaOut): BuiltContent {
  switch (message.kind) {
    case 'image': return imageContent(message)
    case 'document': return documentContent(message)
    default: throw new Error(`sending ${message.kind} is not implemented yet`)
  }
}
