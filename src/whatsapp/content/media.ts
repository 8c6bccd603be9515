import type { WAMediaUpload } from '@whiskeysockets/baileys'
import type { AudioOut, BuiltContent, DocumentOut, ImageOut, MediaBody, OutgoingMessage, StickerOut, VideoOut } from '../outgoing.js'
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

/**
 * Baileys computes what is missing: `seconds` (music-metadata) and, for voice notes, the waveform
 * (only with the optional audio-decode package, so usually none).
 */
function audioContent (message: AudioOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      audio: upload(message.media),
      mimetype: message.media.mimetype,
      ptt: message.ptt,
      ...(message.seconds !== undefined ? { seconds: message.seconds } : {}),
      ...(message.waveform !== undefined ? { waveform: message.waveform } : {}),
      ...(context !== undefined ? { contextInfo: context } : {})
    }
  }
}

/** Always with a thumbnail: without one Baileys runs `ffmpeg` from the PATH through a shell. */
function videoContent (message: VideoOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      video: upload(message.media),
      mimetype: message.media.mimetype,
      jpegThumbnail: message.jpegThumbnail?.toString('base64') ?? '',
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.gifPlayback === true ? { gifPlayback: true } : {}),
      ...(message.width !== undefined ? { width: message.width } : {}),
      ...(message.height !== undefined ? { height: message.height } : {}),
      ...(message.viewOnce === true ? { viewOnce: true } : {}),
      ...(context !== undefined ? { contextInfo: context } : {})
    }
  }
}

function stickerContent (message: StickerOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      sticker: upload(message.media),
      mimetype: message.media.mimetype,
      ...(message.isAnimated === true ? { isAnimated: true } : {}),
      ...(message.width !== undefined ? { width: message.width } : {}),
      ...(message.height !== undefined ? { height: message.height } : {}),
      ...(message.pngThumbnail !== undefined ? { pngThumbnail: message.pngThumbnail } : {}),
      ...(context !== undefined ? { contextInfo: context } : {})
    }
  }
}

/** Media messages: Baileys encrypts and uploads the file or bytes. */
export function mediaContent (message: MediaOut): BuiltContent {
  switch (message.kind) {
    case 'image': return imageContent(message)
    case 'document': return documentContent(message)
    case 'audio': return audioContent(message)
    case 'video': return videoContent(message)
    case 'sticker': return stickerContent(message)
  }
}
