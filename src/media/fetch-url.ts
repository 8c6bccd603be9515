import { createWriteStream } from 'node:fs'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { AppError, UpstreamTimeoutError, ValidationError } from '../errors.js'
import { BlockedAddressError, OutboundRequestError } from '../net/errors.js'
import type { OutboundGuard } from '../net/outbound-guard.js'
import { closed } from './temp-files.js'

export interface DownloadOptions {
  /** The request field the URL came from, named in every error. */
  field: string
  maxBytes: number
  /** The whole download, headers and body. */
  timeoutMs: number
  /** Thrown when the file is larger than `maxBytes` (the caller knows which limit it is). */
  tooLarge: () => AppError
}

export interface Downloaded { size: number, contentType: string | undefined }

/** Counts bytes and fails the stream as soon as there are more than `max`, so nothing past the cap is read. */
function capped (max: number, tooLarge: () => AppError): { counter: Transform, size: () => number } {
  let seen = 0
  const counter = new Transform({
    transform (chunk: Buffer, _enc, callback) {
      seen += chunk.length
      if (seen > max) callback(tooLarge())
      else callback(null, chunk)
    }
  })
  return { counter, size: () => seen }
}

function describeNetworkError (err: unknown): string {
  const cause = (err as { cause?: { code?: string, message?: string } } | null)?.cause
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
}

/** Our errors for what can go wrong reaching the URL: refused address 400, timeout 504, anything else 400. */
function fetchFailure (err: unknown, url: URL, opts: DownloadOptions, timedOut: boolean): AppError {
  if (err instanceof AppError) return err
  if (timedOut || (err instanceof OutboundRequestError && err.kind === 'timeout')) {
    return new UpstreamTimeoutError(`could not fetch ${opts.field}: ${url.host} did not send the file within ${opts.timeoutMs} ms`)
  }
  if (err instanceof BlockedAddressError) return new ValidationError(`invalid ${opts.field}: ${err.explain(`the URL's host ${err.host}`)}`)
  if (err instanceof OutboundRequestError) return new ValidationError(`could not fetch ${opts.field}: ${err.message}`)
  return new ValidationError(`could not fetch ${opts.field} from ${url.host}: ${describeNetworkError(err)}`)
}

/**
 * Downloads `url` through the outbound guard into `file` (created, never overwritten), stopping at
 * `maxBytes`: a declared length over it is refused before reading, and a body that grows past it is
 * cut off there. The caller removes `file` whatever happens.
 */
export async function downloadToFile (guard: Pick<OutboundGuard, 'fetch'>, url: URL, file: string, opts: DownloadOptions): Promise<Downloaded> {
  const timeout = AbortSignal.timeout(opts.timeoutMs)
  try {
    const res = await guard.fetch(url, { signal: timeout, timeoutMs: opts.timeoutMs, headers: { accept: '*/*' } })
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => {})
      throw new ValidationError(`could not fetch ${opts.field}: ${url.href} answered HTTP ${res.status}`)
    }
    const declared = Number(res.headers.get('content-length') ?? NaN)
    if (declared > opts.maxBytes) {
      await res.body?.cancel().catch(() => {})
      throw opts.tooLarge()
    }
    const { counter, size } = capped(opts.maxBytes, opts.tooLarge)
    const body = res.body === null ? Readable.from([]) : Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 })
    try {
      await pipeline(body, counter, out, { signal: timeout })
    } finally {
      await closed(out)
    }
    return { size: size(), contentType: res.headers.get('content-type') ?? undefined }
  } catch (err) {
    throw fetchFailure(err, url, opts, timeout.aborted)
  }
}
