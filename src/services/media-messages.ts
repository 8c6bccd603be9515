import { ValidationError } from '../errors.js'
import type { MediaIntake, MediaSource, TakenMedia } from '../media/intake.js'
import type { MediaKind } from '../media/kinds.js'
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

/**
 * Media sends: check the session and the fields first (nothing is downloaded for a request that
 * cannot be sent), take the media in, send, and remove what the intake stored whatever happens.
 */
export class MediaMessagesService {
  constructor (private readonly messaging: MessagingService, private readonly intake: MediaIntake) {}

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
