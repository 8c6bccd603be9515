import type { WAMediaUpload } from '@whiskeysockets/baileys'
import type { AudioOut, BuiltContent, DocumentOut, ImageOut, MediaBody, OutgoingMessage, StickerOut, VideoOut } from '../outgoing.js'
import { contextInfo } from './context.js'

type MediaOut = Extract<OutgoingMessage, { kind: 'image' | 'document' | 'audio' | 'video' | 'sticker' }>

/** The given fields without the unset ones (Baileys treats a present `undefined` as a value). */
function set<T extends Record<string, unknown>> (fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== false)) as Partial<T>
}

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
      ...set({
        caption: message.caption,
        jpegThumbnail: message.jpegThumbnail?.toString('base64'),
        width: message.width,
        height: message.height,
        viewOnce: message.viewOnce,
        contextInfo: context
      })
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
      ...set({ caption: message.caption, contextInfo: context })
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
      ...set({ seconds: message.seconds, waveform: message.waveform, contextInfo: context })
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
      ...set({
        caption: message.caption,
        gifPlayback: message.gifPlayback,
        width: message.width,
        height: message.height,
        viewOnce: message.viewOnce,
        contextInfo: context
      })
    }
  }
}

function stickerContent (message: StickerOut): BuiltContent {
  const context = contextInfo(message.context)
  return {
    content: {
      sticker: upload(message.media),
      mimetype: message.media.mimetype,
      ...set({
        isAnimated: message.isAnimated,
        width: message.width,
        height: message.height,
        pngThumbnail: message.pngThumbnail,
        contextInfo: context
      })
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
