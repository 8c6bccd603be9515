import { ValidationError } from '../errors.js'
import type { MediaConverter } from '../media/convert.js'
import { decodeBase64, looksLikeDataUrl, splitDataUrl } from '../media/data-url.js'
import { MediaTooLargeError } from '../media/errors.js'
import type { MediaIntake, MediaSource, TakenMedia } from '../media/intake.js'
import type { MediaKind } from '../media/kinds.js'
import { toSticker, withPack } from '../media/sticker.js'
import type { StickerPack } from '../media/webp-exif.js'
import { imagePreview } from '../media/thumbnail.js'
import type { ReplyContext } from '../whatsapp/outgoing.js'
import type { MessagingService, SendAnswer } from './messaging.js'
import { replyContext, type ReplyFields } from './reply-context.js'

/** What every media send names besides the media itself. */
export interface MediaSendBase {
  phone: string
  id?: string
  caption?: string
  mimetype?: string
  /** wuzapi's `ContextInfo`, `QuotedText`, `QuotedMessage`. */
  reply: ReplyFields
  /** The field's value (data URL or URL); `undefined` when a multipart file was uploaded instead. */
  value?: string
  upload?: { path: string, size: number }
}

export interface ImageSend extends MediaSendBase { viewOnce?: boolean }
export interface DocumentSend extends MediaSendBase { fileName: string }
/** `ptt` defaults to true (wuzapi); `waveform` is base64. */
export interface AudioSend extends MediaSendBase { ptt?: boolean, seconds?: number, waveform?: string }
/** `jpegThumbnail` is base64; without it one is made from the first frame. */
export interface VideoSend extends MediaSendBase { viewOnce?: boolean, gifPlayback?: boolean, jpegThumbnail?: string }
/** `pngThumbnail` is base64; `pack` goes into the WebP's EXIF when any of its fields is set. */
export interface StickerSend extends MediaSendBase { pngThumbnail?: string, pack?: StickerPack }

/**
 * Media sends: check the session and the fields first (nothing is downloaded for a request that
 * cannot be sent), take the media in, send, and remove what the intake stored whatever happens.
 */
export class MediaMessagesService {
  constructor (private readonly messaging: MessagingService, private readonly intake: MediaIntake, private readonly converter: MediaConverter) {}

  async sendImage (userId: string, req: ImageSend): Promise<SendAnswer> {
    return await this.withMedia(userId, req, 'image', 'Image', async (chat, taken, context) => {
      const preview = await imagePreview(taken.media, 'Image')
      return await this.messaging.send(userId, chat, {
        kind: 'image', media: taken.media, caption: req.caption, viewOnce: req.viewOnce, context, ...preview
      }, { id: req.id })
    })
  }

  async sendDocument (userId: string, req: DocumentSend): Promise<SendAnswer> {
    return await this.withMedia(userId, req, 'document', 'Document', async (chat, taken, context) =>
      await this.messaging.send(userId, chat, { kind: 'document', media: taken.media, fileName: req.fileName, caption: req.caption, context }, { id: req.id }))
  }

  /** A voice note unless `ptt` is false: converted to Ogg/Opus when it is not already. */
  async sendAudio (userId: string, req: AudioSend): Promise<SendAnswer> {
    const waveform = base64Field(req.waveform, 'Waveform')
    const ptt = req.ptt ?? true
    return await this.withMedia(userId, req, 'audio', 'Audio', async (chat, taken, context) => {
      const audio = await this.converter.audio(taken.media, 'Audio', ptt)
      try {
        return await this.messaging.send(userId, chat, {
          kind: 'audio', media: audio.media, ptt, seconds: req.seconds ?? audio.seconds, waveform, context
        }, { id: req.id })
      } finally {
        await audio.release()
      }
    })
  }

  async sendVideo (userId: string, req: VideoSend): Promise<SendAnswer> {
    const given = base64Field(req.jpegThumbnail, 'JPEGThumbnail')
    return await this.withMedia(userId, req, 'video', 'Video', async (chat, taken, context) => {
      const preview = await this.converter.videoPreview(taken.media, 'Video', given === undefined)
      return await this.messaging.send(userId, chat, {
        kind: 'video',
        media: taken.media,
        caption: req.caption,
        viewOnce: req.viewOnce,
        gifPlayback: req.gifPlayback,
        jpegThumbnail: given ?? preview.jpegThumbnail,
        width: preview.width,
        height: preview.height,
        context
      }, { id: req.id })
    })
  }

  /** Sent as WebP: other images are converted, and the result must fit the sticker limit too. */
  async sendSticker (userId: string, req: StickerSend): Promise<SendAnswer> {
    const pngThumbnail = base64Field(req.pngThumbnail, 'PngThumbnail')
    return await this.withMedia(userId, req, 'sticker', 'Sticker', async (chat, taken, context) => {
      const sticker = await toSticker(taken.media, 'Sticker')
      const media = req.pack === undefined ? sticker.media : await withPack(sticker.media, req.pack, 'Sticker')
      const limit = this.intake.limit('sticker')
      if ((sticker.converted || media !== sticker.media) && (media.data?.length ?? 0) > limit) throw new MediaTooLargeError('Sticker (as WebP)', 'sticker', limit)
      return await this.messaging.send(userId, chat, {
        kind: 'sticker', media, isAnimated: sticker.isAnimated, width: sticker.width, height: sticker.height, pngThumbnail, context
      }, { id: req.id })
    })
  }

  private async withMedia (
    userId: string, req: MediaSendBase, kind: MediaKind, field: string,
    send: (chat: string, taken: TakenMedia, context: ReplyContext | undefined) => Promise<SendAnswer>
  ): Promise<SendAnswer> {
    const chat = this.messaging.recipient(req.phone)
    const context = replyContext(this.messaging, req.reply)
    const from = source(req, field)
    this.messaging.session(userId)
    const taken = await this.intake.take(from, { kind, field, mimetype: req.mimetype })
    try {
      return await send(chat, taken, context)
    } finally {
      await taken.release()
    }
  }
}

function source (req: MediaSendBase, field: string): MediaSource {
  if (req.upload !== undefined && req.value !== undefined) throw new ValidationError(`send ${field} either as the multipart file part or as the ${field} field, not both`)
  if (req.upload !== undefined) return { upload: req.upload }
  if (req.value === undefined || req.value === '') throw new ValidationError(`missing ${field} in Payload`)
  return { value: req.value }
}

/** Optional base64 bytes (a data URL is taken too); a 400 names the field when they do not decode. */
function base64Field (value: string | undefined, field: string): Buffer | undefined {
  if (value === undefined || value === '') return undefined
  let start = 0
  if (looksLikeDataUrl(value)) {
    const parts = splitDataUrl(value)
    if (!parts.ok) throw new ValidationError(`invalid ${field}: send base64 or a base64 data URL`)
    start = parts.payloadStart
  }
  const decoded = decodeBase64(value, start)
  if (!decoded.ok) throw new ValidationError(`could not decode base64 encoded data from payload: ${field} is not padded base64`)
  return decoded.data
}
