import { startReceiver, type Receiver } from '../helpers/receiver.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const METRICS_TOKEN = 'metrics-token-0123456789'
const USER_PHONE = '5491100008801'
const PEER = '5491100008802'

/** One sample of the exposition text: `name{a="b",...} value`. */
interface Sample { name: string, labels: Record<string, string>, value: number }

function parse (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) throw new Error(`not a Prometheus sample: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] ?? ''] = l[2] ?? ''
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) })
  }
  return samples
}

/** The value of the sample with this name whose labels include `labels` (undefined: no such series). */
function value (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

let server: TestServer
let receiver: Receiver
let user: { id: string, token: string }

async function scrape (target: TestServer = server): Promise<Sample[]> {
  const res = await fetch(target.url + '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parse(await res.text())
}

/** Scrapes until `check` holds (the worker reports an attempt after the receiver answered it). */
async function scrapeUntil (check: (s: Sample[]) => boolean, ms = 10_000): Promise<Sample[]> {
  const deadline = Date.now() + ms
  for (;;) {
    const samples = await scrape()
    if (check(samples)) return samples
    if (Date.now() > deadline) throw new Error('metrics never matched: ' + JSON.stringify(samples.filter(x => x.name.startsWith('wuzapi_'))))
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

beforeAll(async () => {
  receiver = await startReceiver()
  server = await startSandboxServer({ ALLOW_PRIVATE_URLS: 'true', METRICS_TOKEN })
  user = await loginWithQr(server, USER_PHONE, { name: 'metrics', webhook: receiver.url, events: 'Message' })
  server.sandbox!.createPhone(PEER, 'Ana')
})

afterAll(async () => {
  await server?.stop()
  await receiver?.close()
})

describe('GET /metrics', () => {
  it('needs Authorization: Bearer <METRICS_TOKEN> when it is set', async () => {
    for (const auth of [undefined, METRICS_TOKEN, 'Bearer wrong-token-0123456789', `Bearer ${METRICS_TOKEN}x`]) {
      const res = await server.api('GET', '/metrics', auth === undefined ? {} : { headers: { Authorization: auth } })
      expect([auth, res.status]).toEqual([auth, 401])
      expect(res.body).toMatchObject({ code: 401, success: false, reason: 'unauthorized' })
    }
  })

  it('counts a received message, its webhook delivery and its latency, and a sent one', async () => {
    const before = await scrape()
    expect(value(before, 'wuzapi_messages_received_total', { type: 'text' })).toBeUndefined()

    const got = await server.api('POST', `/sandbox/phones/${PEER}/send`, { admin: true, json: { To: user.id, Body: 'hello metrics' } })
    expect(got.status).toBe(200)
    await receiver.waitFor(r => r.some(x => x.json?.event?.Info?.ID === got.body.data.Id))
    const sent = await server.api('POST', '/chat/send/text', { token: user.token, json: { Phone: PEER, Body: 'hello back' } })
    expect(sent.status).toBe(200)

    // the user's own message comes back as a Message event too: every request the receiver answered is counted
    const after = await scrapeUntil(s => value(s, 'wuzapi_webhook_deliveries_total', { outcome: 'delivered' }) === receiver.delivered().length && value(s, 'wuzapi_outbox_pending') === 0)
    const delivered = receiver.delivered().length
    expect(delivered).toBeGreaterThanOrEqual(1)
    expect(value(after, 'wuzapi_messages_received_total', { type: 'text' })).toBe(1)
    expect(value(after, 'wuzapi_messages_sent_total', { type: 'text', outcome: 'sent' })).toBe(1)
    expect(value(after, 'wuzapi_webhook_deliveries_total', { outcome: 'retry' })).toBeUndefined()
    expect(value(after, 'wuzapi_webhook_delivery_latency_seconds_count')).toBe(delivered)
    expect(value(after, 'wuzapi_webhook_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(delivered)
    expect(value(after, 'wuzapi_webhook_delivery_latency_seconds_sum')).toBeGreaterThan(0)
    expect(value(after, 'wuzapi_outbox_pending')).toBe(0)
    expect(value(after, 'wuzapi_outbox_oldest_pending_age_seconds')).toBe(0)
    expect(value(after, 'wuzapi_sessions', { state: 'connected' })).toBe(1)
    expect(value(after, 'wuzapi_sessions', { state: 'qr' })).toBe(0)
  })

  it('counts a failed send by type', async () => {
    const other = await createUser(server.api)
    const res = await server.api('POST', '/chat/send/text', { token: other.token, json: { Phone: PEER, Body: 'not connected' } })
    expect(res.status).toBe(409)
    expect(value(await scrape(), 'wuzapi_messages_sent_total', { type: 'text', outcome: 'failed' })).toBe(1)
  })

  it('counts requests by route template, method and status, with latency', async () => {
    const count = (s: Sample[], status: string): number => value(s, 'wuzapi_http_requests_total', { route: '/admin/users/:id', method: 'GET', status }) ?? 0
    const before = await scrape()
    await server.api('GET', `/admin/users/${user.id}`, { admin: true })
    await server.api('GET', '/admin/users/no-such-user')
    await server.api('GET', '/no/such/route/12345')
    const samples = await scrape()
    expect(count(samples, '200') - count(before, '200')).toBe(1)
    expect(count(samples, '401') - count(before, '401')).toBe(1)
    expect(value(samples, 'wuzapi_http_requests_total', { route: '/chat/send/text', method: 'POST', status: '200' })).toBe(1)
    expect(value(samples, 'wuzapi_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1)
    expect(value(samples, 'wuzapi_http_request_duration_seconds_count', { route: '/chat/send/text', method: 'POST', status: '200' })).toBe(1)
    // never a raw URL as a label
    expect(samples.filter(s => s.labels.route?.includes(user.id) === true || s.labels.route?.includes('12345') === true)).toEqual([])
  })

  it('has the process metrics, and each server its own counts', async () => {
    expect(value(await scrape(), 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
    const plain = await startTestServer({ METRICS_TOKEN })
    try {
      const samples = await scrape(plain)
      expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0)
      expect(value(samples, 'wuzapi_http_requests_total', { route: '/chat/send/text' })).toBeUndefined()
      expect(value(samples, 'wuzapi_messages_sent_total')).toBeUndefined()
      expect(value(samples, 'wuzapi_sessions', { state: 'connected' })).toBe(0)
    } finally {
      await plain.stop()
    }
  })
})
