import { createServer } from 'node:https'
import type { Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import type { WAMediaUploadFunction } from '@whiskeysockets/baileys'
import type { SandboxCore } from './core.js'
import { SandboxError } from './errors.js'
import { generateSelfSignedCert } from './tls-cert.js'
import type { TlsMaterial } from './tls-cert.js'

/** The sandbox "mmg" host: stores and serves encrypted media blobs over HTTPS. */
export class MediaHost {
  readonly tls: TlsMaterial = generateSelfSignedCert()
  private server?: Server
  /** `127.0.0.1:<port>` once listening. */
  host = ''

  constructor (private readonly core: SandboxCore) {}

  /** Starts listening on an ephemeral port. */
  async listen (hostname: string): Promise<string> {
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      this.handle(req, res).catch(() => {
        res.statusCode = 500
        res.end()
      })
    })
    this.server = server
    await new Promise<void>(resolve => server.listen(0, hostname, resolve))
    this.host = `${hostname}:${(server.address() as AddressInfo).port}`
    return this.host
  }

  async close (): Promise<void> {
    const s = this.server
    if (!s) return
    s.closeAllConnections()
    await new Promise<void>(resolve => s.close(() => resolve()))
  }

  /** Stores an encrypted blob and returns its direct path. */
  put (data: Buffer, mediaType: string): string {
    const path = `/v/t62.sandbox/${mediaType}/${randomBytes(12).toString('hex')}.enc`
    this.core.store.putBlob(path, data)
    this.core.world.media[path] = { size: data.length, mediaType }
    this.core.touchMedia(path)
    return path
  }

  /**
   * Expires a blob as WhatsApp's media hosts do after a while: downloads answer 410. The blob is kept
   * as the sending phone's own copy, which it uploads again when a device asks (a media retry).
   */
  expire (urlOrPath: string): string {
    let path: string
    try {
      path = new URL(urlOrPath, `https://${this.host}`).pathname
    } catch {
      throw new SandboxError('unknown_media', `no media at ${urlOrPath} on the sandbox's media host`)
    }
    const m = this.core.world.media[path]
    if (!m) throw new SandboxError('unknown_media', `no media at ${path} on the sandbox's media host`)
    m.expired = true
    this.core.touchMedia(path)
    return path
  }

  /** Uploads a kept blob again, as its phone does for a media retry; the new direct path, or undefined when the blob is gone. */
  reupload (path: string): string | undefined {
    const m = this.core.world.media[path]
    const blob = m ? this.core.store.getBlob(path) : undefined
    return m && blob ? this.put(blob, m.mediaType) : undefined
  }

  /** Full https URL of a direct path. */
  url (path: string): string {
    return `https://${this.host}${path}`
  }

  /** A Baileys upload function that stores straight into this host (used by virtual phones). */
  readonly upload: WAMediaUploadFunction = async (encFilePath, { mediaType }) => {
    const path = this.put(await readFile(encFilePath), mediaType)
    return { mediaUrl: this.url(path), directPath: path }
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `https://${this.host}`)
    if (req.method === 'POST' && url.pathname.startsWith('/mms/')) {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const mediaType = url.pathname.split('/')[2] ?? 'media'
      const path = this.put(Buffer.concat(chunks), mediaType)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ url: this.url(path), direct_path: path }))
      return
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (this.core.world.media[url.pathname]?.expired) {
        res.statusCode = 410
        res.end()
        return
      }
      const blob = this.blob(url.pathname)
      if (!blob) {
        res.statusCode = 404
        res.end()
        return
      }
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
      let body = blob
      if (range) {
        const start = range[1] ? Number(range[1]) : 0
        const end = range[2] ? Number(range[2]) : blob.length - 1
        body = blob.subarray(start, end + 1)
        res.statusCode = 206
        res.setHeader('content-range', `bytes ${start}-${start + body.length - 1}/${blob.length}`)
      }
      res.setHeader('content-length', String(body.length))
      res.end(req.method === 'HEAD' ? undefined : body)
      return
    }
    res.statusCode = 405
    res.end()
  }

  private blob (path: string): Buffer | undefined {
    const pp = /^\/pp\/(\d+)\//.exec(path)
    if (pp) return this.core.account(pp[1] ?? '')?.picture?.data ?? this.core.world.groups[`${pp[1] ?? ''}@g.us`]?.picture?.data
    return this.core.store.getBlob(path)
  }
}
