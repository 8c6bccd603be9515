import { createWriteStream } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import type { Middleware } from 'koa'
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../errors.js'
import { closed, removeTemp, tempPath } from '../../media/temp-files.js'
import type { AppState, UploadedFile } from '../state.js'
import { hasBody, JSON_TYPES, METHODS_WITH_BODY, normalizeEncoding } from './body.js'
import { readJsonMedia } from './json-media.js'

export interface MultipartOptions {
  tempDir: string
  /** The largest file any route takes; each route's own limit is checked after. */
  maxFileBytes: number
}

/** Form fields are short text (captions, ids, ContextInfo as JSON): a megabyte is ample. */
const MAX_FIELD_BYTES = 1024 * 1024
const MAX_FIELDS = 64
const FILE_PART = 'file'

interface Received { fields: Record<string, string>, file: UploadedFile | undefined, cleanup: () => Promise<void> }

/**
 * Reads a multipart/form-data request: text fields into memory, the one `file` part streamed to a
 * temporary file with the size cap. On any failure the file is removed before the error is thrown.
 */
async function receive (req: IncomingMessage, options: MultipartOptions): Promise<Received> {
  const fields: Record<string, string> = {}
  let file: UploadedFile | undefined
  let writing: Promise<void> = Promise.resolve()
  const cleanup = async (): Promise<void> => {
    await writing.catch(() => {})
    if (file !== undefined) await removeTemp(file.path)
  }
  let parser: busboy.Busboy
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, fileSize: options.maxFileBytes } })
  } catch (err) {
    throw new ValidationError(`could not decode Payload: ${err instanceof Error ? err.message : 'malformed multipart/form-data header'}`)
  }
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false
      const fail = (err: AppError): void => {
        if (failed) return
        failed = true
        req.unpipe(parser)
        req.resume()
        reject(err)
      }
      parser.on('file', (name, stream, info) => {
        if (name.toLowerCase() !== FILE_PART || file !== undefined) {
          stream.on('error', () => {})
          stream.resume()
          fail(new ValidationError(file !== undefined ? 'only one file part is accepted' : `unexpected file part "${name}": send the media in a part named file`))
          return
        }
        const upload: UploadedFile = { path: tempPath(options.tempDir), size: 0, filename: info.filename, mimetype: info.mimeType, origin: 'multipart' }
        file = upload
        stream.on('data', (chunk: Buffer) => { upload.size += chunk.length })
        stream.on('limit', () => {
          fail(new AppError(413, `file is too large: the largest media file accepted is ${options.maxFileBytes} bytes (MEDIA_MAX_*)`, {}, 'payload_too_large'))
        })
        const out = createWriteStream(upload.path, { flags: 'wx', mode: 0o600 })
        writing = pipeline(stream, out).finally(async () => { await closed(out) })
        writing.catch(err => { fail(new ValidationError(`could not store the file part: ${err instanceof Error ? err.message : String(err)}`)) })
      })
      parser.on('field', (name, value, info) => {
        if (info.valueTruncated) fail(new ValidationError(`form field ${name} is too long: the limit is ${MAX_FIELD_BYTES} bytes`))
        else fields[name] = value
      })
      parser.on('filesLimit', () => { fail(new ValidationError('only one file part is accepted')) })
      parser.on('fieldsLimit', () => { fail(new ValidationError(`too many form fields: the limit is ${MAX_FIELDS}`)) })
      parser.on('error', err => { fail(new ValidationError(`could not decode Payload: malformed multipart/form-data (${err instanceof Error ? err.message : String(err)})`)) })
      parser.on('close', () => {
        writing.then(() => { if (!failed) resolve() }, () => {})
      })
      const aborted = (): void => {
        if (failed) return
        fail(new AppError(400, 'request aborted by the client', {}, 'request_aborted'))
        // ends the file part being written: its pipeline would wait forever for data that will not come
        parser.destroy()
      }
      req.on('aborted', aborted)
      req.on('close', () => { if (!req.complete) aborted() })
      req.pipe(parser)
    })
  } catch (err) {
    await cleanup()
    throw err
  }
  return { fields, file, cleanup }
}

export interface MediaBodyOptions extends MultipartOptions { bodyLimitBytes: number }

/**
 * The body parser of media routes: JSON, or multipart/form-data with the media in a `file` part and
 * the other fields as form fields. In JSON, the route's media field holding a base64 data URL is
 * decoded as it arrives into a temporary file, as an uploaded file part is, so a large media body is
 * never held in memory. Whatever stored the file, it lives until the response is decided, then is
 * removed whatever happened. Given the media field, it returns the route's middleware.
 */
export function mediaBody (json: Middleware<AppState>, options: MediaBodyOptions): (mediaField: string | undefined) => Middleware<AppState> {
  return mediaField => async (ctx, next) => {
    if (typeof ctx.request.is('multipart/form-data') !== 'string') {
      if (mediaField === undefined || !METHODS_WITH_BODY.has(ctx.method) || !hasBody(ctx.headers)) {
        await json(ctx, next)
        return
      }
      const type = ctx.request.type
      if (type !== '' && ctx.request.is(JSON_TYPES) === false) throw new UnsupportedMediaTypeError(type)
      const encoding = normalizeEncoding(ctx.request.headers)
      const read = await readJsonMedia(ctx.req, encoding, { ...options, field: mediaField })
      try {
        ctx.request.body = read.body
        if (read.file !== undefined) ctx.state.upload = read.file
        await next()
      } finally {
        await read.cleanup()
      }
      return
    }
    const received = await receive(ctx.req, options)
    try {
      if (received.file === undefined) throw new ValidationError('missing file part in the multipart/form-data body: send the media in a part named file')
      ctx.request.body = received.fields
      ctx.state.upload = received.file
      await next()
    } finally {
      await received.cleanup()
    }
  }
}
