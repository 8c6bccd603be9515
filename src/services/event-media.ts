import type { DeliveryJob } from '../db/repos/outbox.js'
import type { UsersRepo } from '../db/repos/users.js'
import type { MediaKind } from '../media/kinds.js'
import type { Logger } from '../util/logger.js'
import type { DownloadsService } from './downloads.js'

/** The media kinds of a message, by whatsmeow's field name. */
const MEDIA_FIELDS: ReadonlyArray<[string, MediaKind]> = [
  ['imageMessage', 'image'], ['videoMessage', 'video'], ['audioMessage', 'audio'], ['documentMessage', 'document'], ['stickerMessage', 'sticker']
]
/** Wrappers whatsmeow unwraps to reach the content. */
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage']

const EXTENSIONS: Readonly<Record<MediaKind, string>> = { image: '.jpg', video: '.mp4', audio: '.ogg', document: '.bin', sticker: '.webp' }

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : undefined

/** The media object of a `Message` event's message (whatsmeow casing), unwrapped, with its kind. */
export function eventMedia (message: unknown): { kind: MediaKind, media: Obj } | undefined {
  let content = message
  for (let depth = 0; depth < 4 && isObj(content); depth++) {
    for (const [field, kind] of MEDIA_FIELDS) {
      const media = content[field]
      if (isObj(media)) return { kind, media }
    }
    const wrapper = WRAPPERS.find(w => isObj((content as Obj)[w]))
    if (wrapper === undefined) return undefined
    content = ((content as Obj)[wrapper] as Obj).message
  }
  return undefined
}

/** wuzapi's `fileName`: the message id and an extension from the file name or the kind. */
export function mediaFileName (id: string, kind: MediaKind, media: Obj): string {
  const named = str(media.fileName)
  const ext = named !== undefined && /\.[A-Za-z0-9]{1,8}$/.test(named) ? named.slice(named.lastIndexOf('.')) : EXTENSIONS[kind]
  return `${id}${ext}`
}

/**
 * wuzapi's `media_delivery: base64`: a user's `Message` webhooks carry the decrypted media
 * (`base64`, `mimeType`, `fileName`) up to a size cap. Downloaded by the delivery worker before an
 * event's first attempt (never on the path from WhatsApp to the outbox, so a big video does not
 * hold back the events behind it) and stored with the event, so retries send the same bytes.
 */
export class EventMediaService {
  constructor (
    private readonly users: UsersRepo,
    private readonly downloads: Pick<DownloadsService, 'download'>,
    private readonly maxBytes: number,
    private readonly logger: Logger
  ) {}

  /** The event's payload with its media embedded, or undefined when there is nothing to add. Never throws. */
  async prepare (job: Pick<DeliveryJob, 'user_id' | 'type' | 'payload' | 'target'>): Promise<string | undefined> {
    if (job.type !== 'Message' || job.target !== 'user') return undefined
    if (this.users.byId(job.user_id)?.media_delivery !== 'base64') return undefined
    let payload: Obj
    try {
      payload = JSON.parse(job.payload) as Obj
    } catch {
      return undefined
    }
    const event = isObj(payload.event) ? payload.event : {}
    const found = eventMedia(event.Message)
    if (found === undefined || payload.base64 !== undefined) return undefined
    const { kind, media } = found
    const length = typeof media.fileLength === 'number' ? media.fileLength : 0
    if (length > this.maxBytes) {
      this.logger.info({ userId: job.user_id, bytes: length }, 'media larger than MEDIA_DELIVERY_MAX_BYTES: the webhook carries its download fields only')
      return undefined
    }
    try {
      const answer = await this.downloads.download(job.user_id, kind, {
        url: str(media.URL),
        directPath: str(media.directPath),
        mediaKey: str(media.mediaKey) ?? '',
        mimetype: str(media.mimetype),
        fileEncSha256: str(media.fileEncSHA256) ?? '',
        fileSha256: str(media.fileSHA256) ?? '',
        fileLength: length > 0 ? length : undefined
      })
      const base64 = answer.Data.slice(answer.Data.indexOf(',') + 1)
      const info = isObj(event.Info) ? event.Info : {}
      const mimeType = answer.Mimetype.split(';')[0] ?? answer.Mimetype
      return JSON.stringify({ ...payload, base64, mimeType, fileName: mediaFileName(String(info.ID ?? 'media'), kind, media) })
    } catch (err) {
      this.logger.warn({ userId: job.user_id, err }, 'could not download the media of a Message event: the webhook carries its download fields only')
      return undefined
    }
  }
}
