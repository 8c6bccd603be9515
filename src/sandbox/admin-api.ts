import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeBuffers, encodeReceived, LocalSandboxDriver, sandboxInfo } from './driver.js'
import { SandboxError } from './errors.js'
import type { FaultKind } from './faults.js'
import type { Sandbox } from './index.js'
import type { PhoneAction, PhoneQuote } from './phone-actions.js'

type Args = Record<string, unknown>

/** The calls a gateway makes on an emulator in another process (see RemoteSandboxDriver). */
function calls (driver: LocalSandboxDriver): Record<string, (a: Args) => Promise<unknown>> {
  const str = (v: unknown): string => typeof v === 'string' ? v : ''
  const opt = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
  return {
    scanQr: async a => await driver.scanQr(str(a.qr), str(a.pn)),
    completePairingCode: async a => await driver.completePairingCode(str(a.code), opt(a.pn)),
    createPhone: async a => await driver.createPhone(str(a.pn), opt(a.pushName), (a.profile ?? {}) as Args),
    phoneAction: async a => await driver.phoneAction(str(a.pn), str(a.target), a.action as PhoneAction, a.quote as PhoneQuote | undefined),
    received: async a => (await driver.received(str(a.pn))).map(encodeReceived),
    fault: async a => await driver.fault(str(a.target), str(a.kind) as FaultKind),
    expireMedia: async a => await driver.expireMedia(str(a.urlOrPath))
  }
}

async function readBody (req: IncomingMessage): Promise<Args> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? {} : decodeBuffers(JSON.parse(text)) as Args
}

function reply (res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/**
 * The emulator's own admin HTTP API, for gateways pointed at it with `SANDBOX_URL`: `GET /info`
 * (edge URL, media host, its certificate and the noise root key) and `POST /rpc/{call}` with JSON
 * arguments (buffers as `{ $b64 }`), answering `{ result }` or `{ error: { kind, message } }`.
 * No authentication: it listens on 127.0.0.1 unless told otherwise.
 */
export class SandboxAdminApi {
  private readonly server: Server

  constructor (sandbox: Sandbox) {
    const handlers = calls(new LocalSandboxDriver(sandbox))
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x')
      if (req.method === 'GET' && url.pathname === '/info') return reply(res, 200, sandboxInfo(sandbox))
      const name = url.pathname.startsWith('/rpc/') ? url.pathname.slice(5) : ''
      const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined
      if (req.method !== 'POST' || handler === undefined) return reply(res, 404, { error: { message: `no such call: ${req.method ?? ''} ${url.pathname}` } })
      readBody(req)
        .then(async args => { reply(res, 200, { result: await handler(args) }) })
        .catch((err: unknown) => {
          if (err instanceof SandboxError) reply(res, 404, { error: { kind: err.kind, message: err.message } })
          else reply(res, err instanceof SyntaxError ? 400 : 500, { error: { message: (err as Error).message } })
        })
    })
    this.server.keepAliveTimeout = 15_000
  }

  /** Starts listening; resolves with the bound port. */
  async listen (port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, () => { this.server.off('error', reject); resolve() })
    })
    return (this.server.address() as AddressInfo).port
  }

  async close (): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>(resolve => { this.server.close(() => { resolve() }) })
  }
}
