import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fetch as undiciFetch } from 'undici'
import { BlockedAddressError, OutboundRequestError } from '../../src/net/errors.js'
import { OutboundGuard, type AddressPolicy } from '../../src/net/outbound-guard.js'

interface Seen { method: string, url: string, headers: IncomingMessage['headers'], body: string }
type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void

interface Local { server: Server, url: string, seen: Seen[] }

/** An HTTP server on `host`, port 0, that records every request it answers. */
async function listen (host: string, handler: Handler): Promise<Local> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() }
      seen.push(entry)
      handler(req, res, entry)
    })
  })
  server.listen(0, host)
  await once(server, 'listening')
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}`, seen }
}

async function stop (local: Local): Promise<void> {
  local.server.closeAllConnections()
  await new Promise<void>(resolve => local.server.close(() => resolve()))
}

const answer: Handler = (_req, res, seen) => { res.end(`hello ${seen.method}`) }
/** Allows 127.0.0.1 only: 127.0.0.2 also reaches this machine on Linux, so it stands in for an internal host. */
const only127001: AddressPolicy = address => address === '127.0.0.1' ? undefined : 'loopback'

async function rejection (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

let target: Local
let internal: Local
const guards: OutboundGuard[] = []
function guard (options: ConstructorParameters<typeof OutboundGuard>[0] = {}): OutboundGuard {
  const g = new OutboundGuard(options)
  guards.push(g)
  return g
}

beforeAll(async () => {
  target = await listen('127.0.0.1', answer)
  internal = await listen('127.0.0.2', answer)
})
afterAll(async () => {
  await Promise.all(guards.map(async g => { await g.close() }))
  await stop(target)
  await stop(internal)
})
beforeEach(() => { target.seen.length = 0; internal.seen.length = 0 })

describe('OutboundGuard', () => {
  it('refuses a local server on 127.0.0.1 by default, before any request is made', async () => {
    const err = await rejection(guard().fetch(target.url + '/x'))
    expect(err).toBeInstanceOf(BlockedAddressError)
    expect(err).toMatchObject({ host: '127.0.0.1', address: '127.0.0.1', kind: 'loopback' })
    expect((err as BlockedAddressError).explain('webhook URL')).toBe('webhook URL resolves to 127.0.0.1, a loopback address; set ALLOW_PRIVATE_URLS=true to allow internal addresses')
    expect(target.seen).toHaveLength(0)
  })

  it('reaches the local server with allowPrivate', async () => {
    const res = await guard({ allowPrivate: true }).fetch(target.url + '/x', { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello POST')
    expect(target.seen[0]).toMatchObject({ method: 'POST', url: '/x', body: 'payload' })
  })

  it('refuses localhost names by default', async () => {
    const port = new URL(target.url).port
    await expect(guard().fetch(`http://localhost:${port}/`)).rejects.toMatchObject({ name: 'BlockedAddressError', host: 'localhost', kind: 'loopback' })
    await expect(guard().fetch(`http://api.localhost:${port}/`)).rejects.toBeInstanceOf(BlockedAddressError)
  })

  it('checks IP literals in the dispatcher itself, where Node connects without a lookup', async () => {
    const err = await rejection(undiciFetch(internal.url + '/', { dispatcher: guard({ policy: only127001 }).dispatcher }))
    expect((err as Error).cause).toMatchObject({ name: 'BlockedAddressError', address: '127.0.0.2' })
    expect(internal.seen).toHaveLength(0)
  })

  it('checks every address a host name resolves to when the dispatcher connects (DNS rebinding)', async () => {
    const port = new URL(target.url).port
    const refuseAll: AddressPolicy = () => 'loopback'
    const err = await rejection(undiciFetch(`http://localhost:${port}/`, { dispatcher: guard({ policy: refuseAll }).dispatcher }))
    expect((err as Error).cause).toMatchObject({ name: 'BlockedAddressError', host: 'localhost', kind: 'loopback' })
    expect((err as Error).cause).toHaveProperty('address', expect.stringMatching(/^(127\.0\.0\.1|::1)$/))
    expect(target.seen).toHaveLength(0)
    const res = await undiciFetch(`http://localhost:${port}/`, { dispatcher: guard({ allowPrivate: true }).dispatcher })
    expect(await res.text()).toBe('hello GET')
  })

  it('re-checks each redirect hop: 127.0.0.1 redirecting to 127.0.0.2 is refused at the second hop', async () => {
    const redirector = await listen('127.0.0.1', (_req, res) => { res.writeHead(302, { location: internal.url + '/secret' }).end() })
    try {
      const err = await rejection(guard({ policy: only127001 }).fetch(redirector.url + '/start'))
      expect(err).toMatchObject({ name: 'BlockedAddressError', address: '127.0.0.2' })
      expect(redirector.seen.map(s => s.url)).toEqual(['/start'])
      expect(internal.seen).toHaveLength(0)
    } finally {
      await stop(redirector)
    }
  })

  it('follows allowed redirects: 303 turns a POST into a GET and credentials stay behind on another origin', async () => {
    const redirector = await listen('127.0.0.1', (_req, res) => { res.writeHead(303, { location: target.url + '/final' }).end() })
    try {
      const res = await guard({ policy: only127001 }).fetch(redirector.url + '/start', { method: 'POST', body: 'x', headers: { authorization: 'Bearer secret', 'x-signature': 'sig' } })
      expect(await res.text()).toBe('hello GET')
      expect(redirector.seen[0]?.headers.authorization).toBe('Bearer secret')
      expect(target.seen[0]).toMatchObject({ method: 'GET', url: '/final', body: '' })
      expect(target.seen[0]?.headers.authorization).toBeUndefined()
      expect(target.seen[0]?.headers['x-signature']).toBe('sig')
    } finally {
      await stop(redirector)
    }
  })

  it('gives up after maxRedirects', async () => {
    const loop = await listen('127.0.0.1', (req, res) => { res.writeHead(307, { location: `/${Number(req.url?.slice(1)) + 1}` }).end() })
    try {
      const err = await rejection(guard({ allowPrivate: true, maxRedirects: 3 }).fetch(loop.url + '/0'))
      expect(err).toBeInstanceOf(OutboundRequestError)
      expect(err).toMatchObject({ kind: 'too-many-redirects' })
      expect(loop.seen.map(s => s.url)).toEqual(['/0', '/1', '/2', '/3'])
    } finally {
      await stop(loop)
    }
  })

  it('refuses a redirect to a non-http URL', async () => {
    const redirector = await listen('127.0.0.1', (_req, res) => { res.writeHead(302, { location: 'file:///etc/passwd' }).end() })
    try {
      await expect(guard({ allowPrivate: true }).fetch(redirector.url)).rejects.toMatchObject({ name: 'OutboundRequestError', kind: 'bad-redirect' })
    } finally {
      await stop(redirector)
    }
  })

  it('times out when the server does not answer', async () => {
    const silent = await listen('127.0.0.1', () => {})
    try {
      const err = await rejection(guard({ allowPrivate: true }).fetch(silent.url, { timeoutMs: 200 }))
      expect(err).toMatchObject({ name: 'OutboundRequestError', kind: 'timeout' })
    } finally {
      await stop(silent)
    }
  })

  it('never reaches cloud metadata addresses, even with allowPrivate', async () => {
    await expect(guard({ allowPrivate: true }).fetch('http://169.254.169.254/latest/meta-data/')).rejects.toMatchObject({ name: 'BlockedAddressError', kind: 'metadata' })
    await expect(guard({ allowPrivate: true }).fetch('http://[::ffff:169.254.169.254]/')).rejects.toMatchObject({ name: 'BlockedAddressError', kind: 'metadata' })
  })

  it('refuses URLs that are not http(s)', async () => {
    await expect(guard({ allowPrivate: true }).fetch('ftp://example.com/x')).rejects.toMatchObject({ name: 'OutboundRequestError', kind: 'bad-url' })
  })
})
