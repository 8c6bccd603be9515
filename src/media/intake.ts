import { ValidationError } from '../errors.js'
import type { OutboundGuard } from '../net/outbound-guard.js'
import type { MediaBody } from '../whatsapp/outgoing.js'
import { decodeBase64, looksLikeDataUrl, splitDataUrl, base64Size } from './data-url.js'
import { MediaTooLargeError } from './errors.js'
import { downloadToFile } from './fetch-url.js'
import type { MediaKind, MediaLimits } from './kinds.js'
import { checkSize, checkType, sniff } from './sniff.js'
import { removeTemp, tempPath } from './temp-files.js'

/** Where a route's media comes from: the field's value (data URL or http(s) URL) or an uploaded file. */
export type MediaSource = { value: string } | { upload: { path: string, size: number } }

export interface IntakeRequest {
  kind: MediaKind
  /** The request field, named in every error (`Image`, `Document`...). */
  field: string
  /** The client's `MimeType`: wins over the sniffed type. */
  mimetype?: string
}

/** Media checked and ready to send; `release` removes what the intake created (call it whatever happens). */
export interface TakenMedia {
  media: MediaBody
  /** The type the bytes have, from their magic numbers. */
  sniffed: string | undefined
  size: number
  release: () => Promise<void>
}

export interface IntakeOptions {
  limits: MediaLimits
  tempDir: string
  fetchTimeoutMs: number
  guard: Pick<OutboundGuard, 'fetch'>
}

const nothing = async (): Promise<void> => {}

function httpUrl (value: string): URL | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

/**
 * Media intake: turns what a client sent (a data URL, an http(s) URL, or a multipart upload already
 * on disk) into a {@link MediaBody} whose real type fits the route and whose size is within the
 * kind's limit. Data URLs stay in memory (decoded once); URLs are streamed to a temporary file.
 */
export class MediaIntake {
  constructor (private readonly options: IntakeOptions) {}

  /** The kind's size limit, for checks on what a conversion made of the media. */
  limit (kind: MediaKind): number {
    return this.options.limits[kind]
  }

  async take (source: MediaSource, req: IntakeRequest): Promise<TakenMedia> {
    if ('upload' in source) return await this.checked({ path: source.upload.path }, source.upload.size, req, nothing)
    const { value } = source
    if (looksLikeDataUrl(value)) return await this.checked({ data: this.decode(value, req) }, undefined, req, nothing)
    const url = httpUrl(value)
    if (url === undefined) throw new ValidationError(`invalid ${req.field}: send a data URL (data:<type>;base64,...) or an http(s) URL`)
    return await this.fetch(url, req)
  }

  private decode (value: string, req: IntakeRequest): Buffer {
    const parts = splitDataUrl(value)
    if (!parts.ok) {
      throw new ValidationError(parts.problem === 'empty'
        ? `invalid ${req.field}: the data URL has no data after the comma`
        : `invalid ${req.field}: the data URL must be base64 encoded (data:<type>;base64,...)`)
    }
    const size = base64Size(value, parts.payloadStart)
    if (size !== undefined) checkSize(req.kind, req.field, size, this.options.limits[req.kind])
    const decoded = decodeBase64(value, parts.payloadStart)
    if (!decoded.ok) {
      throw new ValidationError(decoded.problem === 'bad-length'
        ? `could not decode base64 encoded data from payload: ${req.field} is cut short or unpadded (its base64 length is not a multiple of 4)`
        : `could not decode base64 encoded data from payload: ${req.field} has characters outside the base64 alphabet`)
    }
    return decoded.data
  }

  private async fetch (url: URL, req: IntakeRequest): Promise<TakenMedia> {
    const limit = this.options.limits[req.kind]
    const file = tempPath(this.options.tempDir)
    const release = async (): Promise<void> => { await removeTemp(file) }
    try {
      const { size } = await downloadToFile(this.options.guard, url, file, {
        field: req.field,
        maxBytes: limit,
        timeoutMs: this.options.fetchTimeoutMs,
        tooLarge: () => new MediaTooLargeError(req.field, req.kind, limit)
      })
      return await this.checked({ path: file }, size, req, release)
    } catch (err) {
      await release()
      throw err
    }
  }

  /** Size and type checks shared by every source; `size` is undefined when `data` holds the bytes. */
  private async checked (where: { path?: string, data?: Buffer }, size: number | undefined, req: IntakeRequest, release: () => Promise<void>): Promise<TakenMedia> {
    const bytes = size ?? where.data?.length ?? 0
    checkSize(req.kind, req.field, bytes, this.options.limits[req.kind])
    if (bytes === 0) throw new ValidationError(`invalid ${req.field}: the file is empty`)
    const sniffed = await sniff(where)
    checkType(req.kind, req.field, sniffed)
    const mimetype = req.mimetype ?? sniffed ?? 'application/octet-stream'
    return { media: { ...where, mimetype }, sniffed, size: bytes, release }
  }
}
