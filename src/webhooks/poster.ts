import type { OutboundGuard } from '../net/outbound-guard.js'
import { BlockedAddressError, OutboundRequestError } from '../net/errors.js'
import type { WebhookRequest } from './request.js'

/** What came of one POST: a response (any status), or no response with the reason. */
export interface PostResult {
  status: number | undefined
  retryAfter: string | null
  error: string
}

/** Sends one delivery attempt. */
export type Poster = (url: string, request: WebhookRequest, signal: AbortSignal) => Promise<PostResult>

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
export function guardedPoster (guard: Pick<OutboundGuard, 'fetch'>, timeoutMs: number): Poster {
  return async (url, request, signal) => {
    try {
      const res = await guard.fetch(url, { method: 'POST', body: request.body, headers: request.headers, timeoutMs, signal })
      await res.body?.cancel().catch(() => {})
      const ok = res.status >= 200 && res.status < 300
      return { status: res.status, retryAfter: res.headers.get('retry-after'), error: ok ? '' : `HTTP ${res.status}` }
    } catch (err) {
      return { status: undefined, retryAfter: null, error: describe(err) }
    }
  }
}
