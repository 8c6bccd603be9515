import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import type { LookupFunction } from 'node:net'
import { Agent, buildConnector, fetch as undiciFetch, Headers, type RequestInit, type Response } from 'undici'
import { BlockedAddressError, OutboundRequestError } from './errors.js'
import { classifyAddress, isIpLiteral, type AddressKind } from './ip-class.js'

/** Decides whether an IP address may be reached: the kind that makes it refused, or undefined to allow it. */
export type AddressPolicy = (address: string) => AddressKind | undefined

/** Only public addresses. */
export const publicOnly: AddressPolicy = address => {
  const kind = classifyAddress(address)
  return kind === 'public' ? undefined : kind
}

/** Everything but cloud metadata endpoints, which no webhook or media URL has a reason to reach. */
export const allowPrivate: AddressPolicy = address => {
  const kind = classifyAddress(address)
  return kind === 'metadata' ? kind : undefined
}

export interface OutboundGuardOptions {
  /** `ALLOW_PRIVATE_URLS`: reach internal addresses too (never cloud metadata). */
  allowPrivate?: boolean
  /** Replaces the policy chosen by `allowPrivate` (tests use it to refuse one loopback address only). */
  policy?: AddressPolicy
  /** Default time limit of a whole request, redirects included, until the response headers. */
  timeoutMs?: number
  /** Default number of redirects followed before giving up. */
  maxRedirects?: number
  /** Time limit of one TCP (and TLS) connection. */
  connectTimeoutMs?: number
}

/** `fetch` options for a guarded request. Bodies are replayable values so a 307/308 can resend them. */
export interface GuardedRequestInit extends Omit<RequestInit, 'dispatcher' | 'redirect' | 'body'> {
  body?: string | Uint8Array | null
  timeoutMs?: number
  maxRedirects?: number
}

const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])
/** Not forwarded to another origin, as browsers do. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization']
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']
/** Names that resolve to the local host without DNS (RFC 6761). */
const LOCAL_NAME = /(^|\.)localhost\.?$/i

function unbracket (host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1')
}

function isHttp (url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:'
}

/**
 * The one way this server makes HTTP requests to URLs its users give (webhooks, media by URL).
 * Every connection of its undici `Agent` resolves the host itself and refuses it when any resolved
 * address is refused by the policy, so DNS rebinding and redirects to internal hosts are covered
 * by construction; IP literals, which Node connects to without a lookup, are checked before
 * connecting. Redirects are followed by hand so each hop is a new request through the same agent.
 */
export class OutboundGuard {
  /** The guarded undici dispatcher, for callers that need undici's lower-level API. */
  readonly dispatcher: Agent
  private readonly policy: AddressPolicy
  private readonly timeoutMs: number
  private readonly maxRedirects: number

  constructor (options: OutboundGuardOptions = {}) {
    this.policy = options.policy ?? (options.allowPrivate === true ? allowPrivate : publicOnly)
    this.timeoutMs = options.timeoutMs ?? 30_000
    this.maxRedirects = options.maxRedirects ?? 5
    const policy = this.policy
    const lookup: LookupFunction = (hostname, opts, callback) => { guardedLookup(policy, hostname, opts, callback) }
    const connectSocket = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000, lookup })
    this.dispatcher = new Agent({
      connect: (opts, callback) => {
        const kind = isIpLiteral(opts.hostname) ? policy(unbracket(opts.hostname)) : undefined
        if (kind !== undefined) {
          callback(new BlockedAddressError(opts.hostname, unbracket(opts.hostname), kind), null)
          return
        }
        connectSocket(opts, callback)
      }
    })
  }

  /**
   * Checks what can be known about a URL without DNS: an http(s) URL whose host, if an IP literal
   * or a localhost name, is allowed. Throws {@link BlockedAddressError} or {@link OutboundRequestError}.
   */
  checkUrl (input: string | URL): URL {
    let url: URL
    try {
      url = new URL(input)
    } catch {
      throw new OutboundRequestError('bad-url', String(input), `not a URL: ${String(input)}`)
    }
    if (!isHttp(url)) throw new OutboundRequestError('bad-url', url.href, `not an http(s) URL: ${url.href}`)
    const host = unbracket(url.hostname)
    if (isIpLiteral(host)) {
      const kind = this.policy(host)
      if (kind !== undefined) throw new BlockedAddressError(host, host, kind)
    } else if (LOCAL_NAME.test(host)) {
      const kind = this.policy('127.0.0.1')
      if (kind !== undefined) throw new BlockedAddressError(host, host, kind)
    }
    return url
  }

  /**
   * `fetch` through the guard: follows up to `maxRedirects` redirects (each hop checked again),
   * drops credentials on a change of origin, and gives up after `timeoutMs` (until the response
   * headers of the last hop; reading the body after that is bounded by the same signal).
   * Throws {@link BlockedAddressError} for refused addresses and {@link OutboundRequestError}
   * for timeouts and bad or too many redirects; other network errors are undici's.
   */
  async fetch (input: string | URL, init: GuardedRequestInit = {}): Promise<Response> {
    const { timeoutMs = this.timeoutMs, maxRedirects = this.maxRedirects, signal, body: initialBody, method: initialMethod, headers: initialHeaders, ...rest } = init
    const timeout = AbortSignal.timeout(timeoutMs)
    const combined = signal == null ? timeout : AbortSignal.any([signal, timeout])
    let url = this.checkUrl(input)
    let method = (initialMethod ?? 'GET').toUpperCase()
    let body = initialBody ?? null
    const headers = new Headers(initialHeaders)
    for (let hop = 0; ; hop++) {
      let res: Response
      try {
        res = await undiciFetch(url, { ...rest, method, headers, body, signal: combined, redirect: 'manual', dispatcher: this.dispatcher })
      } catch (err) {
        if (timeout.aborted) throw new OutboundRequestError('timeout', url.href, `no response from ${url.host} within ${timeoutMs} ms`)
        throw unwrap(err)
      }
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null
      if (location === null) return res
      await res.body?.cancel()
      if (hop >= maxRedirects) throw new OutboundRequestError('too-many-redirects', url.href, `more than ${maxRedirects} redirects, the last from ${url.href}`)
      let next: URL
      try {
        next = new URL(location, url)
      } catch {
        throw new OutboundRequestError('bad-redirect', url.href, `${url.href} redirected to an invalid URL: ${location}`)
      }
      if (!isHttp(next)) throw new OutboundRequestError('bad-redirect', url.href, `${url.href} redirected to a non-http(s) URL: ${next.href}`)
      if (res.status === 303 ? method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST') {
        method = 'GET'
        body = null
        for (const name of BODY_HEADERS) headers.delete(name)
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name)
      url = this.checkUrl(next)
    }
  }

  /** Closes the agent's idle connections. */
  async close (): Promise<void> {
    await this.dispatcher.close()
  }
}

/** undici's fetch reports connection failures as `TypeError('fetch failed', { cause })`. */
function unwrap (err: unknown): unknown {
  let current = err
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof BlockedAddressError) return current
    current = current.cause
  }
  return err
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

function guardedLookup (policy: AddressPolicy, hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { family: options.family ?? 0, hints: options.hints, all: true }, (err, addresses) => {
    if (err !== null) {
      callback(err, [])
      return
    }
    for (const { address } of addresses) {
      const kind = policy(address)
      if (kind !== undefined) {
        callback(new BlockedAddressError(hostname, address, kind), [])
        return
      }
    }
    const first = addresses[0]
    if (first === undefined) {
      callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), [])
      return
    }
    if (options.all === true) callback(null, addresses)
    else callback(null, first.address, first.family)
  })
}
