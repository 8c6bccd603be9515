import { UsersRepo } from '../../src/db/repos/users.js'
import { OutboundGuard } from '../../src/net/outbound-guard.js'
import { SubscriptionsService } from '../../src/services/subscriptions.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'
import { startSandboxServer } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

const UNKNOWN_EVENT = { code: 400, error: 'invalid event type', details: 'invalid event: Bogus', success: false, reason: 'invalid_input' }
const loopback = (address: string): string => `webhook URL resolves to ${address}, a loopback address; set ALLOW_PRIVATE_URLS=true to allow internal addresses`

/** The URL and subscription `GET /webhook` shows (its `format` is checked in webhooks.test.ts). */
async function settings (token: string): Promise<{ webhook: string, subscribe: string[] }> {
  const { webhook, subscribe } = (await server.api('GET', '/webhook', { token })).body.data
  return { webhook, subscribe }
}

describe('unknown event names are a 400 naming them, and change nothing', () => {
  it('POST /webhook', async () => {
    const { token } = await createUser(server.api, { webhook: 'https://example.com/a', events: 'Message' })
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/b', events: ['ReadReceipt', 'Bogus'] } })
    expect(res.status).toBe(400)
    expect(res.body).toEqual(UNKNOWN_EVENT)
    expect(await settings(token)).toEqual({ webhook: 'https://example.com/a', subscribe: ['Message'] })
  })

  it('PUT /webhook', async () => {
    const { token } = await createUser(server.api, { webhook: 'https://example.com/a', events: 'Message' })
    const res = await server.api('PUT', '/webhook', { token, json: { webhook: 'https://example.com/b', events: 'Presence,Bogus' } })
    expect(res.body).toEqual(UNKNOWN_EVENT)
    expect(await settings(token)).toEqual({ webhook: 'https://example.com/a', subscribe: ['Message'] })
  })

  it('POST /admin/users', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'x', events: ['Message', 'Bogus'] } })
    expect(res.body).toEqual(UNKNOWN_EVENT)
  })

  it('PUT /admin/users/{id}', async () => {
    const { id, token } = await createUser(server.api, { events: 'Message' })
    const res = await server.api('PUT', `/admin/users/${id}`, { admin: true, json: { name: 'renamed', events: 'Bogus' } })
    expect(res.body).toEqual(UNKNOWN_EVENT)
    expect((await server.api('GET', `/admin/users/${id}`, { admin: true })).body.data[0]).toMatchObject({ name: 'user', events: 'Message' })
    expect((await settings(token)).subscribe).toEqual(['Message'])
  })

  it('lists every unknown name', async () => {
    const { token } = await createUser(server.api)
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/a', events: 'Bogus,Message,Nope' } })
    expect(res.body.details).toBe('invalid event: Bogus, Nope')
  })

  it('POST /session/connect with an unknown Subscribe name: nothing is started or changed', async () => {
    const { token } = await createUser(server.api, { events: 'Message' })
    try {
      const res = await server.api('POST', '/session/connect', { token, json: { Subscribe: ['ReadReceipt', 'Bogus'], Immediate: true } })
      expect(res.body).toEqual(UNKNOWN_EVENT)
      expect((await settings(token)).subscribe).toEqual(['Message'])
      expect((await server.api('GET', '/session/status', { token })).body.data.state).toBe('disconnected')
    } finally {
      await server.api('POST', '/session/disconnect', { token })
    }
  })
})

describe('accepted names', () => {
  it('takes every wuzapi name, case-insensitively, canonicalised and de-duplicated', async () => {
    const { token } = await createUser(server.api)
    const res = await server.api('PUT', '/webhook', { token, json: { events: ['message', 'READRECEIPT', 'Message', 'CallOfferNotice', 'All'] } })
    expect(res.body.data.events).toEqual(['Message', 'ReadReceipt', 'CallOfferNotice', 'All'])
  })
})

describe('the subscription survives URL changes', () => {
  it('POST /webhook without events keeps them', async () => {
    const { token } = await createUser(server.api, { webhook: 'https://example.com/a', events: 'Message,Presence' })
    await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/b' } })
    expect(await settings(token)).toEqual({ webhook: 'https://example.com/b', subscribe: ['Message', 'Presence'] })
  })

  it('PUT /webhook with only a URL keeps them', async () => {
    const { token } = await createUser(server.api, { webhook: 'https://example.com/a', events: 'Message' })
    const res = await server.api('PUT', '/webhook', { token, json: { webhook: 'https://example.com/c' } })
    expect(res.body.data).toEqual({ webhook: 'https://example.com/c', events: ['Message'], active: true })
  })

  it('PUT /admin/users/{id} with only a webhook keeps them', async () => {
    const { id, token } = await createUser(server.api, { webhook: 'https://example.com/a', events: 'Message' })
    await server.api('PUT', `/admin/users/${id}`, { admin: true, json: { webhook: 'https://example.com/d' } })
    expect(await settings(token)).toEqual({ webhook: 'https://example.com/d', subscribe: ['Message'] })
  })

  it('POST /session/connect without Subscribe, or with an empty list, keeps them', async () => {
    const { token } = await createUser(server.api, { events: 'Message,HistorySync' })
    try {
      await server.api('POST', '/session/connect', { token, json: { Subscribe: [], Immediate: true } })
      expect((await settings(token)).subscribe).toEqual(['Message', 'HistorySync'])
    } finally {
      await server.api('POST', '/session/disconnect', { token })
    }
  })
})

describe('SubscriptionsService.subscribeOnConnect', () => {
  const service = (): SubscriptionsService => new SubscriptionsService(new UsersRepo(server.db), new OutboundGuard())

  it('replaces the subscription with the given names', async () => {
    const { id, token } = await createUser(server.api, { events: 'Message' })
    service().subscribeOnConnect(id, ['readreceipt', 'Presence'])
    expect((await settings(token)).subscribe).toEqual(['ReadReceipt', 'Presence'])
  })

  it('keeps it when the names are absent or empty', async () => {
    const { id, token } = await createUser(server.api, { events: 'Message' })
    service().subscribeOnConnect(id, undefined)
    service().subscribeOnConnect(id, [])
    expect((await settings(token)).subscribe).toEqual(['Message'])
  })

  it('refuses an unknown name with a 400 naming it and keeps the subscription', async () => {
    const { id, token } = await createUser(server.api, { events: 'Message' })
    expect(() => service().subscribeOnConnect(id, ['Message', 'Bogus'])).toThrow(expect.objectContaining({ status: 400, extra: { details: 'invalid event: Bogus' } }))
    expect((await settings(token)).subscribe).toEqual(['Message'])
  })
})

describe('webhook URLs pointing at internal addresses', () => {
  it.each([
    ['http://127.0.0.1:9000/hook', loopback('127.0.0.1')],
    ['http://localhost/hook', loopback('localhost')],
    ['http://[::1]/hook', loopback('::1')],
    ['http://[::ffff:127.0.0.1]/hook', loopback('::ffff:7f00:1')],
    ['http://2130706433/hook', loopback('127.0.0.1')],
    ['http://10.1.2.3/hook', 'webhook URL resolves to 10.1.2.3, a private network address; set ALLOW_PRIVATE_URLS=true to allow internal addresses'],
    ['http://169.254.169.254/latest', 'webhook URL resolves to 169.254.169.254, a cloud metadata address; cloud metadata endpoints are always refused']
  ])('refuses %s on POST /webhook with 400', async (url, message) => {
    const { token } = await createUser(server.api, { webhook: 'https://example.com/a' })
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: url } })
    expect(res.body).toEqual({ code: 400, error: message, success: false, reason: 'invalid_input' })
    expect((await settings(token)).webhook).toBe('https://example.com/a')
  })

  it('refuses them on PUT /webhook and the admin routes too', async () => {
    const { id, token } = await createUser(server.api)
    expect((await server.api('PUT', '/webhook', { token, json: { webhook: 'http://192.168.1.10/hook' } })).status).toBe(400)
    expect((await server.api('POST', '/admin/users', { admin: true, json: { name: 'x', webhook: 'http://localhost:8080/hook' } })).body.error).toBe(loopback('localhost'))
    expect((await server.api('PUT', `/admin/users/${id}`, { admin: true, json: { webhook: 'http://127.0.0.1/hook' } })).body.error).toBe(loopback('127.0.0.1'))
  })

  it('accepts host names that do not resolve now: delivery checks them again', async () => {
    const { token } = await createUser(server.api)
    for (const url of ['https://example.com/hook', 'https://no-such-host.invalid/hook']) {
      expect((await server.api('POST', '/webhook', { token, json: { webhookURL: url } })).body).toEqual({ code: 200, data: { webhook: url }, success: true })
    }
  })

  it('accepts internal addresses with ALLOW_PRIVATE_URLS=true, but never cloud metadata', async () => {
    const open = await startTestServer({ ALLOW_PRIVATE_URLS: 'true' })
    try {
      const { token } = await createUser(open.api, { webhook: 'http://127.0.0.1:9000/hook' })
      expect((await open.api('POST', '/webhook', { token, json: { webhookURL: 'http://localhost:3000/in' } })).body.data).toEqual({ webhook: 'http://localhost:3000/in' })
      expect((await open.api('POST', '/webhook', { token, json: { webhookURL: 'http://169.254.169.254/' } })).status).toBe(400)
    } finally {
      await open.stop()
    }
  })
})
