import type { OutboundGuard } from '../net/outbound-guard.js'
import { BlockedAddressError, OutboundRequestError } from '../net/errors.js'
import { fetch as undiciFetch, type Dispatcher } from 'undici'
import { parseProxyUrl, proxyAgents, type ProxyAgents } from '../net/proxy.js'
import type { WebhookRequest } from './request.js'

/** What came of one POST: a response (any status), or no response with the reason. */
export interface PostResult {
  status: number | undefined
  retryAfter: string | null
  error: string
}

/** Sends one delivery attempt; `proxy` is the user's proxy URL, if any. */
export type Poster = (url: string, request: WebhookRequest, signal: AbortSignal, proxy?: string) => Promise<PostResult>

function describe (err: unknown): string {
  if (err instanceof BlockedAddressError) return err.explain('webhook URL')
  if (err instanceof OutboundRequestError) return err.message
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause
    const code = (err as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code
    return typeof code === 'string' ? `${err.message} (${code})` : err.message
  }
  return String(err)
}

/**
 * POSTs through the outbound guard (internal addresses refused after DNS and on every redirect,
 * unless ALLOW_PRIVATE_URLS), with a time limit. The response body is never read: a receiver
 * answering 10 MB costs nothing. Never throws.
 */
export function guardedPoster (guard: Pick<OutboundGuard, 'fetch' | 'checkUrl'>, timeoutMs: number, proxies?: ProxyDispatchers): Poster {
  return async (url, request, signal, proxy) => {
    try {
      const res = proxy === undefined || proxies === undefined
        ? await guard.fetch(url, { method: 'POST', body: request.body, headers: request.headers, timeoutMs, signal })
        : await proxiedPost(guard, proxies.get(proxy), url, request, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]))
      await res.body?.cancel().catch(() => {})
      const ok = res.status >= 200 && res.status < 300
      return { status: res.status, retryAfter: res.headers.get('retry-after'), error: ok ? '' : `HTTP ${res.status}` }
    } catch (err) {
      return { status: undefined, retryAfter: null, error: describe(err) }
    }
  }
}

/**
 * Through a user's proxy (wuzapi applies the user's proxy to its webhook client): the proxy
 * resolves and reaches the host, so only what the URL itself says is checked here (an internal IP
 * literal or `localhost` is refused), and redirects are not followed (a 3xx is a failed attempt).
 */
async function proxiedPost (guard: Pick<OutboundGuard, 'checkUrl'>, dispatcher: Dispatcher, url: string, request: WebhookRequest, signal: AbortSignal): Promise<Response> {
  const target = guard.checkUrl(url)
  return await undiciFetch(target, { method: 'POST', body: request.body, headers: request.headers, signal, redirect: 'manual', dispatcher }) as unknown as Response
}

/** The dispatchers of the users' proxies, one per proxy URL, kept until closed. */
export class ProxyDispatchers {
  private readonly byUrl = new Map<string, ProxyAgents>()

  get (proxyUrl: string): Dispatcher {
    let agents = this.byUrl.get(proxyUrl)
    if (agents === undefined) {
      agents = proxyAgents(parseProxyUrl(proxyUrl))
      this.byUrl.set(proxyUrl, agents)
    }
    return agents.dispatcher
  }

  async close (): Promise<void> {
    const all = [...this.byUrl.values()]
    this.byUrl.clear()
    await Promise.allSettled(all.map(async a => { await a.close() }))
  }
}
