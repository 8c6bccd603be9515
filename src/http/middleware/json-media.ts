import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { Transform, type TransformCallback } from 'node:stream'
import { finished, pipeline } from 'node:stream/promises'
import zlib from 'node:zlib'
import Parser from 'stream-json/Parser.js'
import { AppError, PayloadTooLargeError, UndecodableBodyError, ValidationError } from '../../errors.js'
import { Base64StreamDecoder } from '../../media/base64-stream.js'
import { MAX_HEADER_CHARS, dataUrlHeader, type Base64Problem } from '../../media/data-url.js'
import { closed, removeTemp, tempPath } from '../../media/temp-files.js'
import type { UploadedFile } from '../state.js'
import { isDecompressionError } from './body.js'

export interface JsonMediaOptions {
  tempDir: string
  /** The largest file any route takes; each route's own limit is checked after. */
  maxFileBytes: number
  bodyLimitBytes: number
  /** The route's media field (`Image`, `Document`...), matched case-insensitively. */
  field: string
}

export interface JsonMediaBody { body: unknown, file: UploadedFile | undefined, cleanup: () => Promise<void> }

interface Token { name: string, value?: string }
type Container = Record<string, unknown> | unknown[]

function malformed (detail: string): AppError {
  return new AppError(400, `could not decode Payload: malformed JSON (${detail})`, {}, 'malformed_body')
}

function base64Error (field: string, problem: Base64Problem): ValidationError {
  return new ValidationError(problem === 'bad-length'
    ? `could not decode base64 encoded data from payload: ${field} is cut short or unpadded (its base64 length is not a multiple of 4)`
    : `could not decode base64 encoded data from payload: ${field} has characters outside the base64 alphabet`)
}

/** Counts the (decompressed) body and stops it at the limit, as the JSON parser's own limit does. */
function bodyLimit (limit: number): Transform {
  let seen = 0
  return new Transform({
    transform (chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length
      if (seen > limit) done(new PayloadTooLargeError(limit))
      else done(null, chunk)
    }
  })
}

function decompressor (encoding: string): Transform | undefined {
  if (encoding === 'gzip' || encoding === 'deflate') return zlib.createUnzip()
  if (encoding === 'br') return zlib.createBrotliDecompress()
  return undefined
}

/** A top-level string of the media field being read: its first characters decide what it is. */
interface MediaString {
  /** `head`: not known yet; `plain`: an ordinary value; `file`: a base64 data URL going to disk; `skip`: a duplicate. */
  mode: 'head' | 'plain' | 'file' | 'skip'
  text: string[]
  key: string
  decoder?: Base64StreamDecoder
  out?: WriteStream
  file?: UploadedFile
}

/**
 * Builds the JSON value from the parser's tokens as JSON.parse would, except for the route's media
 * field at the top level: when it is a base64 data URL, its payload is decoded as it arrives into a
 * temporary file and the field is left out of the object. Where the same key comes in several
 * spellings, the file kept is the one key matching would pick (the last exact spelling, else the first).
 */
class Assembler {
  private readonly stack: Container[] = []
  private key: string | undefined
  private started = false
  private string: MediaString | undefined
  root: unknown = {}
  file: UploadedFile | undefined
  /** Every temporary file made, kept or not, so cleanup can remove them all. */
  readonly streams: Array<{ out: WriteStream, path: string }> = []

  constructor (private readonly options: JsonMediaOptions) {}

  async token (token: Token): Promise<void> {
    if (!this.started) {
      if (token.name !== 'startObject' && token.name !== 'startArray') throw malformed('invalid JSON, only supports object and array')
      this.started = true
    }
    switch (token.name) {
      case 'startObject': this.open({}); break
      case 'startArray': this.open([]); break
      case 'endObject':
      case 'endArray': this.close(); break
      case 'keyValue':
        if (token.value === '__proto__') throw malformed('Object contains forbidden prototype property')
        this.key = token.value
        break
      case 'startString': this.startString(); break
      case 'stringChunk': await this.chunk(token.value ?? ''); break
      case 'endString': await this.endString(); break
      case 'numberValue': this.add(Number(token.value)); break
      case 'nullValue': this.add(null); break
      case 'trueValue': this.add(true); break
      case 'falseValue': this.add(false); break
    }
  }

  private open (container: Container): void {
    this.add(container)
    this.stack.push(container)
  }

  private close (): void {
    this.stack.pop()
  }

  private add (value: unknown): void {
    const top = this.stack.at(-1)
    if (top === undefined) this.root = value
    else if (Array.isArray(top)) top.push(value)
    else Object.defineProperty(top, this.key ?? '', { value, enumerable: true, writable: true, configurable: true })
  }

  private isMediaKey (): boolean {
    const top = this.stack.at(-1)
    return this.stack.length === 1 && top !== undefined && !Array.isArray(top) && this.key?.toLowerCase() === this.options.field.toLowerCase()
  }

  private startString (): void {
    this.string = { mode: this.isMediaKey() ? 'head' : 'plain', text: [], key: this.key ?? '' }
  }

  private async chunk (piece: string): Promise<void> {
    const s = this.string
    if (s === undefined || s.mode === 'skip') return
    if (s.mode === 'plain') {
      s.text.push(piece)
      return
    }
    if (s.mode === 'file') {
      await this.write(s, piece)
      return
    }
    s.text.push(piece)
    const head = s.text.join('')
    s.text = [head]
    const header = dataUrlHeader(head)
    if (!header.ok) {
      // not (yet) a base64 data URL: an ordinary value once the header can no longer come
      if (header.problem === 'not-base64' || head.length >= MAX_HEADER_CHARS || !'data:'.startsWith(head.slice(0, 5).toLowerCase())) s.mode = 'plain'
      return
    }
    if (this.file !== undefined && s.key !== this.options.field) {
      s.mode = 'skip'
      return
    }
    s.mode = 'file'
    s.text = [head.slice(0, header.payloadStart)]
    s.decoder = new Base64StreamDecoder()
    s.file = { path: tempPath(this.options.tempDir), size: 0, filename: undefined, mimetype: header.mimetype, origin: 'data-url' }
    s.out = createWriteStream(s.file.path, { flags: 'wx', mode: 0o600 })
    s.out.on('error', () => {}) // reported by the next write or by `finished`
    this.streams.push({ out: s.out, path: s.file.path })
    await this.write(s, head.slice(header.payloadStart))
  }

  private async write (s: MediaString, piece: string): Promise<void> {
    if (s.decoder === undefined || s.out === undefined || s.file === undefined || piece === '') return
    const decoded = s.decoder.push(piece)
    if (!decoded.ok) throw base64Error(this.options.field, decoded.problem)
    s.file.size += decoded.data.length
    if (s.file.size > this.options.maxFileBytes) {
      throw new AppError(413, `${this.options.field} is too large: the largest media file accepted is ${this.options.maxFileBytes} bytes (MEDIA_MAX_*)`, {}, 'payload_too_large')
    }
    if (!s.out.write(decoded.data)) await once(s.out, 'drain')
  }

  private async endString (): Promise<void> {
    const s = this.string
    this.string = undefined
    if (s === undefined || s.mode === 'skip') return
    if (s.mode !== 'file' || s.decoder === undefined || s.out === undefined || s.file === undefined) {
      this.add(s.text.join(''))
      return
    }
    s.out.end()
    await finished(s.out)
    if (s.decoder.length === 0) {
      // nothing after the comma: left to the intake, which says so
      this.add(s.text.join(''))
      return
    }
    const end = s.decoder.end()
    if (!end.ok) throw base64Error(this.options.field, end.problem)
    if (this.file !== undefined) await removeTemp(this.file.path)
    this.file = s.file
  }
}

function failure (err: unknown, encoding: string): unknown {
  if (err instanceof AppError) return err
  if (encoding !== 'identity' && isDecompressionError(err)) return new UndecodableBodyError(encoding)
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return new AppError(400, 'request aborted by the client', {}, 'request_aborted')
  return malformed(err instanceof Error ? err.message : String(err))
}

/**
 * Reads a JSON body without holding the media field: it is streamed from the request through the
 * base64 decoder into a temporary file. Other values are built in memory, within the body limit.
 * On any failure every temporary file is removed before the error is thrown.
 */
export async function readJsonMedia (req: IncomingMessage, encoding: string, options: JsonMediaOptions): Promise<JsonMediaBody> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (encoding === 'identity' && declared > options.bodyLimitBytes) throw new PayloadTooLargeError(options.bodyLimitBytes)
  const assembler = new Assembler(options)
  const cleanup = async (): Promise<void> => {
    for (const { out, path } of assembler.streams) {
      await closed(out)
      await removeTemp(path)
    }
  }
  const parser = new Parser({ packKeys: true, streamKeys: false, packStrings: false, streamStrings: true, packNumbers: true, streamNumbers: false })
  const inflate = decompressor(encoding)
  // the pipeline reports its own AbortError when the last stage throws: keep the reason
  let refused: unknown
  const consume = async (tokens: AsyncIterable<Token>): Promise<void> => {
    for await (const token of tokens) {
      try {
        await assembler.token(token)
      } catch (err) {
        refused = err
        throw err
      }
    }
  }
  try {
    if (inflate === undefined) await pipeline(req, bodyLimit(options.bodyLimitBytes), parser, consume)
    else await pipeline(req, inflate, bodyLimit(options.bodyLimitBytes), parser, consume)
  } catch (err) {
    await cleanup()
    throw failure(refused ?? err, encoding)
  }
  return { body: assembler.root, file: assembler.file, cleanup }
}
