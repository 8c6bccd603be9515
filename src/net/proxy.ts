import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { Duplex } from 'node:stream'
import { Agent as UndiciAgent, type buildConnector } from 'undici'

/** A proxy a user's WhatsApp traffic goes through: an HTTP proxy (CONNECT tunnels) or a SOCKS5 proxy. */
export interface ProxyTarget {
  protocol: 'http' | 'socks5'
  host: string
  port: number
  username: string
  password: string
}

/** Why a proxy URL is refused (wuzapi's messages). */
export class ProxyUrlError extends Error {}

/**
 * Reads a proxy URL as wuzapi takes it: `http://[user:pass@]host:port` or `socks5://...`; the port
 * defaults to 80 (http) and 1080 (socks5).
 */
export function parseProxyUrl (value: string): ProxyTarget {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    throw new ProxyUrlError('invalid proxy URL format')
  }
  const protocol = url.protocol.slice(0, -1)
  if (protocol !== 'http' && protocol !== 'socks5') throw new ProxyUrlError('only HTTP and SOCKS5 proxies are supported')
  if (url.hostname === '') throw new ProxyUrlError('invalid proxy URL format')
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') throw new ProxyUrlError('invalid proxy URL format')
  return {
    protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? (protocol === 'http' ? 80 : 1080) : Number(url.port),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password)
  }
}

/** How long opening a tunnel may take. */
const TUNNEL_TIMEOUT_MS = 20_000

/** Reads from a socket until `done` says how many bytes the answer has; resolves them and puts back the rest. */
async function readAnswer (socket: Socket, done: (data: Buffer) => number | undefined): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    let data = Buffer.alloc(0)
    const cleanup = (): void => {
      socket.off('data', onData)
      socket.off('error', onError)
      socket.off('close', onClose)
    }
    const onData = (chunk: Buffer): void => {
      data = Buffer.concat([data, chunk])
      const length = done(data)
      if (length === undefined) return
      cleanup()
      socket.pause()
      if (data.length > length) socket.unshift(data.subarray(length))
      resolve(data.subarray(0, length))
    }
    const onError = (err: Error): void => { cleanup(); reject(err) }
    const onClose = (): void => { cleanup(); reject(new Error('the proxy closed the connection')) }
    socket.on('data', onData)
    socket.once('error', onError)
    socket.once('close', onClose)
    // the previous answer paused the socket (so bytes after it wait, unshifted, for the next reader)
    socket.resume()
  })
}

async function httpConnect (socket: Socket, proxy: ProxyTarget, host: string, port: number): Promise<void> {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`
  const auth = proxy.username !== '' ? `Proxy-Authorization: Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}\r\n` : ''
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`)
  const head = await readAnswer(socket, d => { const end = d.indexOf('\r\n\r\n'); return end < 0 ? undefined : end + 4 })
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1]
  if (status !== '200') throw new Error(`the HTTP proxy refused the tunnel to ${authority} (${status ?? 'no status'})`)
}

const SOCKS_REPLIES: Record<number, string> = {
  1: 'general failure', 2: 'not allowed by ruleset', 3: 'network unreachable', 4: 'host unreachable', 5: 'connection refused', 6: 'TTL expired', 7: 'command not supported', 8: 'address type not supported'
}

/** RFC 1928 CONNECT, with no authentication or username/password (RFC 1929). */
async function socksConnect (socket: Socket, proxy: ProxyTarget, host: string, port: number): Promise<void> {
  const withAuth = proxy.username !== ''
  socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]))
  const method = await readAnswer(socket, d => d.length >= 2 ? 2 : undefined)
  if (method[0] !== 5) throw new Error('the proxy does not speak SOCKS5')
  if (method[1] === 2) {
    const user = Buffer.from(proxy.username)
    const pass = Buffer.from(proxy.password)
    socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]))
    const auth = await readAnswer(socket, d => d.length >= 2 ? 2 : undefined)
    if (auth[1] !== 0) throw new Error('the SOCKS5 proxy refused the username or password')
  } else if (method[1] !== 0) {
    throw new Error(withAuth ? 'the SOCKS5 proxy accepts none of our authentication methods' : 'the SOCKS5 proxy wants a username and password')
  }
  const family = isIP(host)
  const address = family === 4
    ? Buffer.from([1, ...host.split('.').map(Number)])
    : family === 6 ? Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]) : Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)])
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, Buffer.from([port >> 8, port & 0xff])]))
  const reply = await readAnswer(socket, d => {
    if (d.length < 5) return undefined
    const length = d[3] === 1 ? 10 : d[3] === 4 ? 22 : 7 + (d[4] ?? 0)
    return d.length >= length ? length : undefined
  })
  if (reply[1] !== 0) throw new Error(`the SOCKS5 proxy could not connect to ${host}:${port} (${SOCKS_REPLIES[reply[1] ?? 1] ?? `code ${reply[1]}`})`)
}

function ipv6Bytes (host: string): Buffer {
  const [head = '', tail = ''] = host.split('::')
  const parts = (s: string): string[] => s === '' ? [] : s.split(':')
  const h = parts(head)
  const t = parts(tail)
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
  return Buffer.from(groups.flatMap(g => { const n = parseInt(g, 16); return [n >> 8, n & 0xff] }))
}

/** Opens a TCP connection to `host:port` through the proxy. */
export async function openTunnel (proxy: ProxyTarget, host: string, port: number): Promise<Socket> {
  const socket = netConnect({ host: proxy.host, port: proxy.port })
  socket.setTimeout(TUNNEL_TIMEOUT_MS, () => socket.destroy(new Error(`the proxy ${proxy.host}:${proxy.port} did not answer in time`)))
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    if (proxy.protocol === 'http') await httpConnect(socket, proxy, host, port)
    else await socksConnect(socket, proxy, host, port)
    socket.setTimeout(0)
    socket.resume()
    return socket
  } catch (err) {
    socket.destroy()
    throw err
  }
}

type CreateConnectionCallback = (err: Error | null, stream: Duplex) => void

/** Opens the tunnel (and TLS over it for https) for a Node http(s) request. */
function tunnelFor (proxy: ProxyTarget, tls: { ca?: string } | undefined) {
  return (options: ClientRequestArgs, callback: CreateConnectionCallback): undefined => {
    const host = options.host ?? options.hostname ?? 'localhost'
    const port = Number(options.port ?? (tls !== undefined ? 443 : 80))
    openTunnel(proxy, host, port).then(socket => {
      if (tls === undefined) return callback(null, socket)
      const servername = isIP(host) === 0 ? host : undefined
      const secure = tlsConnect({ socket, ...(servername !== undefined ? { servername } : {}), ...(tls.ca !== undefined ? { ca: tls.ca } : {}) })
      secure.once('secureConnect', () => callback(null, secure))
      secure.once('error', err => callback(err, secure))
    }, (err: Error) => callback(err, undefined as unknown as Duplex))
    return undefined
  }
}

/** An http.Agent whose connections go through the proxy (for ws:// and http:// targets). */
class ProxiedHttpAgent extends HttpAgent {
  constructor (proxy: ProxyTarget, options?: AgentOptions) {
    super(options)
    Object.assign(this, { createConnection: tunnelFor(proxy, undefined) })
  }
}

/** An https.Agent whose connections go through the proxy, TLS end to end with the target. */
class ProxiedHttpsAgent extends HttpsAgent {
  constructor (proxy: ProxyTarget, ca: string | undefined) {
    super()
    Object.assign(this, { createConnection: tunnelFor(proxy, { ...(ca !== undefined ? { ca } : {}) }) })
  }
}

/** The agents one user's traffic uses with a proxy: Node http(s) agents and an undici dispatcher. */
export interface ProxyAgents {
  /** For `ws://` / `http://` targets. */
  http: HttpAgent
  /** For `wss://` / `https://` targets. */
  https: HttpsAgent
  /** For undici's fetch (media downloads, webhooks). */
  dispatcher: UndiciAgent
  close (): Promise<void>
}

/**
 * Agents that send everything through `proxy`; `ca` is an extra certificate to trust (the sandbox's
 * media host).
 */
export function proxyAgents (proxy: ProxyTarget, ca?: string): ProxyAgents {
  const connect: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname
    const https = opts.protocol === 'https:'
    const port = Number(opts.port !== '' && opts.port !== undefined ? opts.port : https ? 443 : 80)
    openTunnel(proxy, host, port).then(socket => {
      if (!https) return callback(null, socket)
      const servername = opts.servername ?? (isIP(host) === 0 ? host : undefined)
      const secure = tlsConnect({ socket, ...(servername !== undefined && servername !== '' ? { servername } : {}), ...(ca !== undefined ? { ca } : {}), ALPNProtocols: ['http/1.1'] })
      secure.once('secureConnect', () => callback(null, secure))
      secure.once('error', err => callback(err, null))
    }, (err: Error) => callback(err, null))
  }
  const http = new ProxiedHttpAgent(proxy)
  const httpsAgent = new ProxiedHttpsAgent(proxy, ca)
  const dispatcher = new UndiciAgent({ connect })
  return {
    http,
    https: httpsAgent,
    dispatcher,
    async close () {
      http.destroy()
      httpsAgent.destroy()
      await dispatcher.close()
    }
  }
}
