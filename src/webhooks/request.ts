import { createHmac } from 'node:crypto'

/** wuzapi's two body formats: JSON, or a form with `jsonData`, `userID` and `instanceName`. */
export type WebhookFormat = 'json' | 'form'
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['json', 'form']

/** What a delivery request is built from. */
export interface WebhookRequestInput {
  /** The event's stable id (`webhook-id`): the same on every attempt. */
  eventId: string
  /** The event as committed: JSON of `{"type", "event", ...extra}`. */
  payload: string
  userId: string
  instanceName: string
  format: WebhookFormat
  /** The signing key (the user's HMAC key, or the global one), if any. */
  key: string | undefined
  /** The attempt's time (ms): `webhook-timestamp`. */
  now: number
}

export interface WebhookRequest {
  body: string
  headers: Record<string, string>
}

/**
 * The body a receiver gets, byte for byte. JSON: the event object plus `userID` and
 * `instanceName` (as wuzapi's JSON mode). Form: `instanceName`, `jsonData` (the event JSON) and
 * `userID`, url-encoded in that (sorted) order, as Go's `url.Values.Encode` does.
 */
export function webhookBody (payload: string, userId: string, instanceName: string, format: WebhookFormat): string {
  if (format === 'form') return new URLSearchParams([['instanceName', instanceName], ['jsonData', payload], ['userID', userId]]).toString()
  const ids = `"userID":${JSON.stringify(userId)},"instanceName":${JSON.stringify(instanceName)}`
  return payload === '{}' ? `{${ids}}` : `${payload.slice(0, -1)},${ids}}`
}

/** wuzapi's `x-hmac-signature`: lowercase hex HMAC-SHA256 of the exact body bytes. */
export function hmacSignature (key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex')
}

/**
 * Standard Webhooks' `webhook-signature`: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`,
 * keyed with the UTF-8 bytes of the HMAC key (standardwebhooks libraries take it as
 * `whsec_` + base64 of the key).
 */
export function standardSignature (key: string, id: string, timestamp: string, body: string): string {
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
}

/** The request of one delivery attempt: body and headers, signed when a key applies. */
export function webhookRequest (input: WebhookRequestInput): WebhookRequest {
  const body = webhookBody(input.payload, input.userId, input.instanceName, input.format)
  const timestamp = String(Math.floor(input.now / 1000))
  const headers: Record<string, string> = {
    'content-type': input.format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
    'webhook-id': input.eventId,
    'webhook-timestamp': timestamp
  }
  if (input.key !== undefined && input.key !== '') {
    headers['x-hmac-signature'] = hmacSignature(input.key, body)
    headers['webhook-signature'] = standardSignature(input.key, input.eventId, timestamp, body)
  }
  return { body, headers }
}
