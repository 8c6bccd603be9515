import { createHmac } from 'node:crypto'
import sharp from 'sharp'
import { request } from 'node:http'
import { startReceiver, type Receiver } from '../helpers/receiver.js'
import { loginWithQr, sandboxFault, startSandboxServer, waitForStatus } from '../helpers/session.js'
import type { TestServer } from '../helpers/server.js'
import { waitUntil } from '../helpers/wait.js'

const KEY = 'integration-hmac-key-0123456789-abcdef'
const PHONE = '5511955550101'

interface SseEvent { id: string, event: string, data: any }

/** Reads a Server-Sent Events stream until `count` events arrived, then closes it. `opened` resolves once the server answered. */
function readEvents (url: string, token: string, count: number, lastEventId?: string): { opened: Promise<void>, events: Promise<SseEvent[]> } {
  let opened!: () => void
  const openedP = new Promise<void>(resolve => { opened = resolve })
  const events = new Promise<SseEvent[]>((resolve, reject) => {
    const headers: Record<string, string> = { Token: token }
    if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId
    const req = request(url + '/events/stream', { headers }, res => {
      opened()
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode ?? 0}`))
        return
      }
      const got: Array<{ id: string, event: string, data: any }> = []
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', chunk => {
        buffer += chunk
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const fields = Object.fromEntries(block.split('\n').filter(l => !l.startsWith(':')).map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
          if (fields.id === undefined) continue
          got.push({ id: fields.id, event: fields.event ?? '', data: JSON.parse(fields.data ?? 'null') })
          if (got.length >= count) {
            clearTimeout(timer)
            req.destroy()
            resolve(got)
          }
        }
      })
    })
    const timer = setTimeout(() => { req.destroy(); reject(new Error(`stream: fewer than ${count} events in time`)) }, 15_000)
    req.on('error', err => { if (!req.destroyed) reject(err) })
    req.end()
  })
  return { opened: openedP, events }
}

describe('webhooks and the event stream (sandbox, real receiver)', () => {
  let server: TestServer
  let receiver: Receiver
  let user: { id: string, token: string }

  beforeAll(async () => {
    receiver = await startReceiver()
    server = await startSandboxServer({ ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_RETRY_MAX_DELAY_MS: '200' })
    user = await loginWithQr(server, '5511955550001', { name: 'hooks', webhook: receiver.url, events: 'Message' })
    await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: PHONE, PushName: 'Ana' } })
  })

  afterAll(async () => {
    await server?.stop()
    await receiver?.close()
  })

  const phoneSays = async (body: string): Promise<string> => {
    const res = await server.api('POST', `/sandbox/phones/${PHONE}/send`, { admin: true, json: { To: user.id, Body: body } })
    expect(res.status).toBe(200)
    return res.body.data.Id as string
  }

  it('hmac config: 400 for a short key, no envelope on success, the key is never shown', async () => {
    const short = await server.api('POST', '/session/hmac/config', { token: user.token, json: { hmac_key: 'short' } })
    expect(short.status).toBe(400)
    expect(short.body).toMatchObject({ code: 400, success: false, error: 'HMAC key must be at least 32 characters long' })
    expect((await server.api('GET', '/session/hmac/config', { token: user.token })).body).toEqual({ hmac_key: '' })
    const set = await server.api('POST', '/session/hmac/config', { token: user.token, json: { hmac_key: KEY } })
    expect(set.body).toEqual({ Details: 'HMAC configuration saved successfully' })
    expect((await server.api('GET', '/session/hmac/config', { token: user.token })).body).toEqual({ hmac_key: '***' })
    expect((await server.api('GET', '/session/status', { token: user.token })).body.data.hmac_configured).toBe(true)
    expect(server.logText()).not.toContain(KEY)
  })

  it('the admin sets a signing key when creating a user (wuzapi\'s hmacKey)', async () => {
    const short = await server.api('POST', '/admin/users', { admin: true, json: { name: 'k1', hmacKey: 'short' } })
    expect(short.status).toBe(400)
    expect(short.body.error).toBe('HMAC key must be at least 32 characters long')
    const created = await server.api('POST', '/admin/users', { admin: true, json: { name: 'k2', hmacKey: KEY } })
    expect(created.status).toBe(201)
    expect(created.body.data.hmac_key).toBe(true)
    expect((await server.api('GET', '/session/hmac/config', { token: created.body.data.token })).body).toEqual({ hmac_key: '***' })
    const plain = await server.api('POST', '/admin/users', { admin: true, json: { name: 'k3' } })
    expect(plain.body.data.hmac_key).toBe(false)
  })

  it('a message reaches the webhook signed, and the deliveries list shows it', async () => {
    const id = await phoneSays('hello webhook')
    await receiver.waitFor(r => r.some(x => x.json?.event?.Info?.ID === id))
    const got = receiver.requests.find(x => x.json?.event?.Info?.ID === id)!
    expect(got.json).toMatchObject({ type: 'Message', userID: user.id, instanceName: 'hooks' })
    expect(got.headers['x-hmac-signature']).toBe(createHmac('sha256', KEY).update(got.body).digest('hex'))
    const list = await server.api('GET', '/webhook/deliveries?state=delivered&limit=5', { token: user.token })
    expect(list.status).toBe(200)
    expect(list.body.data.deliveries[0]).toMatchObject({ type: 'Message', state: 'delivered', target: 'user', attempts: 1, eventId: got.headers['webhook-id'] })
    const status = (await server.api('GET', '/session/status', { token: user.token })).body.data
    expect(status.webhook_status[0]).toMatchObject({ target: 'user', pending: 0 })
    expect(status.webhook_status[0].lastSuccessAt).not.toBeNull()
  })

  it('500 then 200: delivered once with both attempts recorded; redelivery sends it again', async () => {
    let failures = 1
    receiver.behave(() => failures-- > 0 ? { status: 500 } : { status: 200 })
    const id = await phoneSays('retry me')
    await receiver.waitFor(() => receiver.delivered().some(x => x.json?.event?.Info?.ID === id))
    receiver.behave(() => ({ status: 200 }))
    expect(receiver.requests.filter(x => x.json?.event?.Info?.ID === id)).toHaveLength(2)
    let delivery: any
    const until = Date.now() + 5_000
    while (delivery?.state !== 'delivered' && Date.now() < until) {
      delivery = (await server.api('GET', '/webhook/deliveries?limit=1', { token: user.token })).body.data.deliveries[0]
    }
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200 })
    const again = await server.api('POST', `/webhook/deliveries/${delivery.id as number}/redeliver`, { token: user.token })
    expect(again.status).toBe(200)
    await receiver.waitFor(() => receiver.delivered().filter(x => x.json?.event?.Info?.ID === id).length >= 2)
  })

  it('a message whose commit to the outbox fails is not acknowledged: WhatsApp sends it again and it is delivered', async () => {
    // the outbox refuses this one message, as a full disk would
    server.db.exec(`CREATE TEMP TRIGGER refuse_commit BEFORE INSERT ON webhook_events WHEN NEW.payload LIKE '%commit fails once%'
      BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END`)
    let id: string
    try {
      id = await phoneSays('commit fails once')
      await waitUntil(() => server.logText().includes('simulated disk failure'))
    } finally {
      server.db.exec('DROP TRIGGER IF EXISTS temp.refuse_commit')
    }
    expect(receiver.requests.some(x => x.json?.event?.Info?.ID === id)).toBe(false)
    // the emulator kept the message (no receipt came); it comes again at the next login
    await sandboxFault(server, user.id, 'drop')
    await waitForStatus(server, user.token, s => s.LoggedIn === true, 20_000)
    await receiver.waitFor(() => receiver.delivered().some(x => x.json?.event?.Info?.ID === id), 20_000, 'the redelivered message')
  })

  it('media_delivery base64: a received image arrives in the webhook decrypted, as wuzapi sends it', async () => {
    expect((await server.api('PUT', '/webhook', { token: user.token, json: { media_delivery: 's3' } })).status).toBe(400)
    await server.api('PUT', '/webhook', { token: user.token, json: { media_delivery: 'base64' } })
    try {
      expect((await server.api('GET', '/webhook', { token: user.token })).body.data.media_delivery).toBe('base64')
      const jpeg = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c04' } }).jpeg().toBuffer()
      const res = await server.api('POST', `/sandbox/phones/${PHONE}/send`, { admin: true, json: { To: user.id, Image: `data:image/jpeg;base64,${jpeg.toString('base64')}`, Caption: 'pic' } })
      const id = res.body.data.Id as string
      await receiver.waitFor(() => receiver.delivered().some(x => x.json?.event?.Info?.ID === id))
      const got = receiver.delivered().find(x => x.json?.event?.Info?.ID === id)!
      expect(got.json).toMatchObject({ mimeType: 'image/jpeg', fileName: `${id}.jpg` })
      expect(Buffer.from(got.json.base64 as string, 'base64').equals(jpeg)).toBe(true)
      expect(got.json.event.Message.imageMessage.caption).toBe('pic')
      // a text has no media to add
      const text = await phoneSays('no media here')
      await receiver.waitFor(() => receiver.delivered().some(x => x.json?.event?.Info?.ID === text))
      expect(receiver.delivered().find(x => x.json?.event?.Info?.ID === text)!.json.base64).toBeUndefined()
    } finally {
      await server.api('PUT', '/webhook', { token: user.token, json: { media_delivery: '' } })
    }
  })

  it('deliveries routes refuse bad input with 4xx', async () => {
    expect((await server.api('GET', '/webhook/deliveries?state=lost', { token: user.token })).status).toBe(400)
    expect((await server.api('GET', '/webhook/deliveries?limit=0', { token: user.token })).status).toBe(400)
    expect((await server.api('GET', '/webhook/deliveries/abc', { token: user.token })).status).toBe(400)
    expect((await server.api('GET', '/webhook/deliveries/999999', { token: user.token })).status).toBe(404)
    expect((await server.api('POST', '/webhook/deliveries/999999/redeliver', { token: user.token })).status).toBe(404)
    const redeliverAll = await server.api('POST', '/webhook/deliveries/redeliver', { token: user.token })
    expect(redeliverAll.body.data).toEqual({ Details: '0 failed deliveries queued again', count: 0 })
  })

  it('form mode sends jsonData, userID and instanceName', async () => {
    await server.api('PUT', '/webhook', { token: user.token, json: { format: 'form' } })
    expect((await server.api('GET', '/webhook', { token: user.token })).body.data).toMatchObject({ format: 'form', subscribe: ['Message'] })
    expect((await server.api('PUT', '/webhook', { token: user.token, json: { format: 'xml' } })).status).toBe(400)
    try {
      const id = await phoneSays('in a form')
      await receiver.waitFor(r => r.some(x => x.json?.event?.Info?.ID === id))
      const got = receiver.requests.find(x => x.json?.event?.Info?.ID === id)!
      expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded')
      expect(new URLSearchParams(got.body).get('userID')).toBe(user.id)
      expect(got.headers['x-hmac-signature']).toBe(createHmac('sha256', KEY).update(got.body).digest('hex'))
    } finally {
      await server.api('PUT', '/webhook', { token: user.token, json: { format: 'json' } })
    }
  })

  it('the event stream sends live events and resumes from Last-Event-ID', async () => {
    const live = readEvents(server.url, user.token, 1)
    await live.opened
    const first = await phoneSays('stream one')
    const [got] = await live.events
    expect(got).toMatchObject({ event: 'Message', data: { type: 'Message', userID: user.id } })
    expect(got!.data.event.Info.ID).toBe(first)
    const second = await phoneSays('stream two')
    const third = await phoneSays('stream three')
    const resumed = await readEvents(server.url, user.token, 2, got!.id).events
    expect(resumed.map(e => e.data.event.Info.ID)).toEqual([second, third])
    const bad = await server.api('GET', '/events/stream', { token: user.token, headers: { 'Last-Event-ID': 'yesterday' } })
    expect(bad.status).toBe(400)
  })
})
