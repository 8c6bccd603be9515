import { NotFoundError, SessionStateError, UpstreamTimeoutError, ValidationError } from '../errors.js'
import { checkSha256, MediaGoneError, type FetchLimits, type MediaFetcher } from '../media/download.js'
import { MediaTooLargeError } from '../media/errors.js'
import type { MediaKind, MediaLimits } from '../media/kinds.js'
import { sniff } from '../media/sniff.js'
import { decryptMedia, MediaKeyMismatchError } from '../whatsapp/media-download.js'
import { WhatsAppError } from '../whatsapp/errors.js'
import type { UserSession } from '../whatsapp/session.js'
import type { HistoryService } from './history.js'
import type { MessagingService } from './messaging.js'

/** wuzapi's download fields, as a message's (or webhook's) media object carries them. */
export interface DownloadRequest {
  url?: string
  directPath?: string
  /** base64 */
  mediaKey: string
  mimetype?: string
  /** base64 SHA-256 of the encrypted file */
  fileEncSha256: string
  /** base64 SHA-256 of the decrypted file */
  fileSha256: string
  fileLength?: number
}

export interface DownloadAnswer { Mimetype: string, Data: string }

export interface UnavailableRequest { chat: string, sender: string, id: string }

export interface UnavailableAnswer {
  success: true
  message: string
  request_id: string
  chat: string
  sender: string
  message_id: string
  timestamp: number
}

/** What a media message is when it names no mimetype and its bytes are not recognised. */
const FALLBACK_TYPES: Readonly<Record<MediaKind, string>> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg',
  sticker: 'image/webp',
  document: 'application/octet-stream'
}

/** Encrypted files are the plaintext padded to the AES block, plus a 10-byte MAC. */
const ENCRYPTION_OVERHEAD = 16 + 10

/** A 32-byte value in base64 (standard or URL-safe, padded or not), or 400 naming the field. */
function bytes32 (field: string, value: string): Buffer {
  const trimmed = value.trim()
  if (trimmed === '') throw new ValidationError(`missing ${field} in Payload`)
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0)
  if (decoded.length !== 32) throw new ValidationError(`invalid ${field}: must be 32 bytes in base64, as in the message's media fields`)
  return decoded
}

function optional (value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function fullJid (field: string, value: string): string {
  const trimmed = value.trim()
  if (trimmed === '') throw new ValidationError(`missing ${field} in Payload`)
  if (!trimmed.includes('@')) throw new ValidationError(`invalid ${field}: must be a full JID such as 5491155554444@s.whatsapp.net or 120363000000000000@g.us`)
  return trimmed
}

function userOf (jid: string): string {
  return jid.split('@')[0]?.split(':')[0] ?? ''
}

/**
 * Getting back what a message carries: its media, downloaded from WhatsApp's hosts, checked
 * against the message's hashes and decrypted; and a message the session could not decrypt,
 * asked again from the user's phone.
 */
export class DownloadsService {
  /**
   * `reupload`: expired media (404/410 from the media host) of a message in the history is asked
   * again from the phone (waiting at most `timeoutMs`) and fetched once more.
   */
  constructor (
    private readonly messaging: MessagingService,
    private readonly fetcher: MediaFetcher,
    private readonly limits: MediaLimits,
    private readonly reupload?: { history: Pick<HistoryService, 'findMedia'>, timeoutMs: number }
  ) {}

  async download (userId: string, kind: MediaKind, req: DownloadRequest): Promise<DownloadAnswer> {
    const mediaKey = bytes32('MediaKey', req.mediaKey)
    const encSha = bytes32('FileEncSHA256', req.fileEncSha256)
    const sha = bytes32('FileSHA256', req.fileSha256)
    const url = this.fetcher.locate(optional(req.url), optional(req.directPath))
    this.loggedIn(userId)
    const limit = this.limits[kind]
    const tooLarge = (): MediaTooLargeError => new MediaTooLargeError('the file', kind, limit)
    if (req.fileLength !== undefined && req.fileLength > limit) throw tooLarge()
    const limits = { maxBytes: limit + ENCRYPTION_OVERHEAD, tooLarge }
    let encrypted: Buffer
    try {
      encrypted = await this.fetcher.fetch(url, limits)
    } catch (err) {
      if (!(err instanceof MediaGoneError)) throw err
      encrypted = await this.fetchReuploaded(userId, url, req, err, limits)
    }
    checkSha256('FileEncSHA256', encSha, encrypted, 'downloaded (encrypted) file')
    const data = await this.decrypt(encrypted, mediaKey, kind)
    if (data.length > limit) throw tooLarge()
    checkSha256('FileSHA256', sha, data, 'decrypted file')
    const mimetype = optional(req.mimetype) ?? await sniff({ data }) ?? FALLBACK_TYPES[kind]
    return { Mimetype: mimetype, Data: `data:${mimetype.replace(/;\s+/g, ';')};base64,${data.toString('base64')}` }
  }

  /**
   * Asks the user's phone to send again a message this session could not decrypt; the phone's
   * answer arrives later as a normal incoming message.
   */
  async requestUnavailable (userId: string, req: UnavailableRequest): Promise<UnavailableAnswer> {
    const chat = this.messaging.recipient(fullJid('chat', req.chat), 'chat')
    const sender = this.messaging.recipient(fullJid('sender', req.sender), 'sender')
    const id = req.id.trim()
    if (id === '') throw new ValidationError('missing id in Payload')
    const session = this.loggedIn(userId)
    const fromMe = userOf(sender) === userOf(session.jid)
    const requestId = await session.ops().requestResend({ chat, id, fromMe, ...(chat.endsWith('@g.us') && !fromMe ? { participant: sender } : {}) })
    return {
      success: true,
      message: 'Unavailable message request sent successfully',
      request_id: requestId,
      chat,
      sender,
      message_id: id,
      timestamp: Math.floor(Date.now() / 1000)
    }
  }

  /**
   * Expired media, as WhatsApp clients handle it: the message is looked up in the history by its
   * media's direct path (or URL), the phone is asked to upload the media again, and the new path is
   * fetched once. Without the message (no history) the phone cannot be asked: 404 saying so.
   */
  private async fetchReuploaded (userId: string, url: URL, req: DownloadRequest, gone: MediaGoneError, limits: FetchLimits): Promise<Buffer> {
    const directPath = optional(req.directPath) ?? `${url.pathname}${url.search}`
    const stored = this.reupload?.history.findMedia(userId, directPath, optional(req.url) ?? url.href)
    if (stored === undefined) {
      throw new NotFoundError(`the media is no longer on WhatsApp's media host (HTTP ${gone.httpStatus}) and its message is not in this user's message history, ` +
        'so the phone cannot be asked to upload it again: keep a history (POST /session/history) to have expired media uploaded again, or ask the sender to send it again')
    }
    const session = this.loggedIn(userId)
    const timeoutMs = this.reupload?.timeoutMs ?? 0
    let newPath: string
    try {
      newPath = await session.ops().reuploadMedia(stored.ref, stored.message, timeoutMs)
    } catch (err) {
      if (err instanceof WhatsAppError && err.statusCode === 408) throw new UpstreamTimeoutError(`the media expired and the phone did not upload it again within ${timeoutMs} ms (WA_QUERY_TIMEOUT_MS): try again later`)
      if (err instanceof WhatsAppError && err.statusCode !== 428) {
        throw new NotFoundError(`the media expired (HTTP ${gone.httpStatus}) and the phone could not upload it again (${err.message}): ask the sender to send it again`)
      }
      throw err
    }
    return await this.fetcher.fetch(this.fetcher.locate(optional(req.url), newPath), limits)
  }

  private loggedIn (userId: string): UserSession {
    const session = this.messaging.session(userId)
    if (session.state !== 'connected') throw new SessionStateError(`not logged in: the session is ${session.state}; log in with /session/connect first`, session.state)
    return session
  }

  private async decrypt (encrypted: Buffer, mediaKey: Buffer, kind: MediaKind): Promise<Buffer> {
    try {
      return await decryptMedia(encrypted, mediaKey, kind)
    } catch (err) {
      if (err instanceof MediaKeyMismatchError) throw new ValidationError(`invalid MediaKey: ${err.message}; use the MediaKey of the same message, on the route of its kind`)
      throw err
    }
  }
}
