import { createHmac } from 'node:crypto'
import { hmacSignature, webhookBody, webhookRequest } from '../../src/webhooks/request.js'

const payload = JSON.stringify({ type: 'Message', event: { Info: { ID: 'ABC', PushName: 'Zoë & <b>' } } })
const KEY = 'k'.repeat(32)

describe('webhookBody', () => {
  it('JSON mode: the event object plus userID and instanceName', () => {
    const body = webhookBody(payload, 'u1', 'Shop', 'json')
    expect(JSON.parse(body)).toEqual({ ...JSON.parse(payload), userID: 'u1', instanceName: 'Shop' })
  })

  it('form mode: instanceName, jsonData and userID url-encoded, as wuzapi', () => {
    const body = webhookBody(payload, 'u1', 'My Shop', 'form')
    expect(body.startsWith('instanceName=My+Shop&jsonData=')).toBe(true)
    const form = new URLSearchParams(body)
    expect([...form.keys()]).toEqual(['instanceName', 'jsonData', 'userID'])
    expect(JSON.parse(form.get('jsonData') ?? '')).toEqual(JSON.parse(payload))
    expect(form.get('userID')).toBe('u1')
  })
})

describe('webhookRequest', () => {
  const input = { eventId: 'evt-1', payload, userId: 'u1', instanceName: 'Shop', format: 'json' as const, key: KEY, now: 1_700_000_000_123 }

  it('signs the exact body: x-hmac-signature (wuzapi) and Standard Webhooks', () => {
    const { body, headers } = webhookRequest(input)
    expect(headers['content-type']).toBe('application/json')
    expect(headers['webhook-id']).toBe('evt-1')
    expect(headers['webhook-timestamp']).toBe('1700000000')
    expect(headers['x-hmac-signature']).toBe(createHmac('sha256', KEY).update(body).digest('hex'))
    const expected = createHmac('sha256', KEY).update(`evt-1.1700000000.${body}`).digest('base64')
    expect(headers['webhook-signature']).toBe(`v1,${expected}`)
    // a changed body no longer verifies
    expect(hmacSignature(KEY, body.replace('ABC', 'ABD'))).not.toBe(headers['x-hmac-signature'])
  })

  it('sends no signature headers without a key', () => {
    const { headers } = webhookRequest({ ...input, key: undefined })
    expect(headers['x-hmac-signature']).toBeUndefined()
    expect(headers['webhook-signature']).toBeUndefined()
    expect(headers['webhook-id']).toBe('evt-1')
  })

  it('form mode is signed over the form body', () => {
    const { body, headers } = webhookRequest({ ...input, format: 'form' })
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(headers['x-hmac-signature']).toBe(hmacSignature(KEY, body))
  })
})
