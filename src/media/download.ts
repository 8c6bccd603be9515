import { createHash, timingSafeEqual } from 'node:crypto'
import { fetch as undiciFetch, type Dispatcher, type Response } from 'undici'
import { AppError, NotFoundError, UpstreamTimeoutError, ValidationError } from '../errors.js'
import { BlockedAddressError, OutboundRequestError } from '../net/errors.js'
import type { OutboundGuard } from '../net/outbound-guard.js'

/** 404: the media host no longer has the file (it answered 404 or 410: expired or deleted). */
export class MediaGoneError extends NotFoundError {
  constructor (readonly httpStatus: number) {
    super(`the media is no longer on WhatsApp's media host (HTTP ${httpStatus}): it expired or was deleted; ask the sender to send it again`)
  }
}

/** Where a `DirectPath` alone is fetched from, as whatsmeow and Baileys do. */
export const DEFAULT_MEDIA_HOST = 'mmg.whatsapp.net'
const WHATSAPP_DOMAIN = 'whatsapp.net'
const ONLY_WHATSAPP = "downloads only from WhatsApp's media hosts (https://*.whatsapp.net)"

export interface MediaFetcherOptions {
  /** WhatsApp's hosts are reached through the guard like any other outbound request. */
  guard: Pick<OutboundGuard, 'fetch'>
  /** Sandbox mode: the sandbox's media host (`127.0.0.1:<port>`) and a dispatcher trusting its certificate. */
  sandbox?: { host: string, dispatcher: Dispatcher }
  timeoutMs: number
}

export interface FetchLimits {
  maxBytes: number
  /** Thrown when the file is over `maxBytes` (the caller knows which limit it is). */
  tooLarge: () => AppError
}

function isWhatsAppHost (url: URL): boolean {
  return url.hostname === WHATSAPP_DOMAIN || url.hostname.endsWith(`.${WHATSAPP_DOMAIN}`)
}

function parseUrl (value: string): URL {
  try {
    return new URL(value)
  } catch {
    throw new ValidationError('invalid Url: must be an absolute https:// URL of a WhatsApp media host')
  }
}

/**
 * Fetches encrypted media from WhatsApp's media hosts (and, in sandbox mode, the sandbox's), never
 * from anywhere else: the `Url` and `DirectPath` of a message are client input like any other.
 */
export class MediaFetcher {
  constructor (private readonly opts: MediaFetcherOptions) {}

  /** The URL a message's `Url` and `DirectPath` name; 400 when it is not on a media host. */
  locate (url: string | undefined, directPath: string | undefined): URL {
    const given = url === undefined ? undefined : parseUrl(url)
    if (given !== undefined && !this.allowed(given)) throw new ValidationError(`invalid Url: ${ONLY_WHATSAPP}${this.sandboxNote()}, not ${given.host}`)
    if (directPath === undefined) {
      if (given === undefined) throw new ValidationError('missing Url or DirectPath in Payload')
      return given
    }
    // as Baileys does: the path on the URL's host, else on the default one (the sandbox's, in sandbox mode)
    const base = given?.origin ?? `https://${this.opts.sandbox?.host ?? DEFAULT_MEDIA_HOST}`
    if (!directPath.startsWith('/') || directPath.startsWith('//') || directPath.includes('\\')) {
      throw new ValidationError('invalid DirectPath: must be a path starting with a single / (as in /v/t62.7118-24/...)')
    }
    const resolved = new URL(directPath, base)
    if (resolved.origin !== base) throw new ValidationError(`invalid DirectPath: ${ONLY_WHATSAPP}`)
    return resolved
  }

  /** The encrypted bytes at `url` (from {@link locate}); 404 when the host no longer has them. */
  async fetch (url: URL, limits: FetchLimits): Promise<Buffer> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs)
    try {
      const res = await this.request(url, timeout)
      if (res.status === 404 || res.status === 410) {
        await res.body?.cancel().catch(() => {})
        throw new MediaGoneError(res.status)
      }
      if (res.status < 200 || res.status > 299) {
        await res.body?.cancel().catch(() => {})
        throw new AppError(502, `WhatsApp's media host ${url.host} answered HTTP ${res.status}`, {}, 'whatsapp_error')
      }
      if (Number(res.headers.get('content-length') ?? NaN) > limits.maxBytes) {
        await res.body?.cancel().catch(() => {})
        throw limits.tooLarge()
      }
      return await readCapped(res, limits)
    } catch (err) {
      throw this.failure(err, url, timeout.aborted)
    }
  }

  private allowed (url: URL): boolean {
    if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false
    if (this.opts.sandbox !== undefined && url.host === this.opts.sandbox.host) return true
    return isWhatsAppHost(url) && url.port === ''
  }

  private sandboxNote (): string {
    return this.opts.sandbox === undefined ? '' : ` or the sandbox's (https://${this.opts.sandbox.host})`
  }

  private async request (url: URL, signal: AbortSignal): Promise<Response> {
    const headers = { accept: '*/*' }
    if (this.opts.sandbox !== undefined && url.host === this.opts.sandbox.host) {
      return await undiciFetch(url, { dispatcher: this.opts.sandbox.dispatcher, signal, headers })
    }
    // a redirect could lead off WhatsApp's hosts
    return await this.opts.guard.fetch(url, { signal, timeoutMs: this.opts.timeoutMs, maxRedirects: 0, headers })
  }

  private failure (err: unknown, url: URL, timedOut: boolean): AppError {
    if (err instanceof AppError) return err
    if (timedOut || (err instanceof OutboundRequestError && err.kind === 'timeout')) {
      return new UpstreamTimeoutError(`WhatsApp's media host ${url.host} did not send the file within ${this.opts.timeoutMs} ms (MEDIA_FETCH_TIMEOUT_MS)`)
    }
    const detail = err instanceof BlockedAddressError ? err.explain(`the media host ${err.host}`) : describe(err)
    return new AppError(502, `could not download from WhatsApp's media host ${url.host}: ${detail}`, {}, 'whatsapp_error')
  }
}

function describe (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string } } | null)?.cause
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
}

/** The body, failing as soon as it grows past the limit so nothing beyond it is held in memory. */
async function readCapped (res: Response, limits: FetchLimits): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  if (res.body === null) return Buffer.alloc(0)
  for await (const chunk of res.body) {
    size += (chunk as Uint8Array).length
    if (size > limits.maxBytes) {
      await res.body.cancel().catch(() => {})
      throw limits.tooLarge()
    }
    chunks.push(Buffer.from(chunk as Uint8Array))
  }
  return Buffer.concat(chunks, size)
}

/** 400 naming `field` unless `bytes` hash to `expected` (SHA-256). */
export function checkSha256 (field: string, expected: Buffer, bytes: Buffer, what: string): void {
  const actual = createHash('sha256').update(bytes).digest()
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ValidationError(`${field} does not match the ${what}: the file was altered, or the fields come from different messages`)
  }
}
