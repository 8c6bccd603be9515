import { createUser, startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

describe('user token authentication', () => {
  it('accepts the Token header, the token query parameter and Authorization', async () => {
    const { token } = await createUser(server.api, { token: 'user-token-ways' })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(200)
    expect((await server.api('GET', '/webhook', { headers: { token } })).status).toBe(200)
    expect((await server.api('GET', `/webhook?token=${token}`)).status).toBe(200)
    expect((await server.api('GET', '/webhook', { headers: { Authorization: token } })).status).toBe(200)
    expect((await server.api('GET', '/webhook', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200)
  })

  it('refuses a missing or unknown token with the envelope', async () => {
    for (const opts of [{}, { token: 'no-such-token' }]) {
      const res = await server.api('GET', '/webhook', opts)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ code: 401, error: 'unauthorized', success: false, reason: 'unauthorized' })
    }
  })

  it('refuses an expired user, and accepts one whose expiration is in the future', async () => {
    const past = Math.floor(Date.now() / 1000) - 60
    const expired = await createUser(server.api, { expiration: past })
    const res = await server.api('GET', '/webhook', { token: expired.token })
    expect(res.status).toBe(401)
    expect(res.body.error).toBe('user expired')
    const future = await createUser(server.api, { expiration: Math.floor(Date.now() / 1000) + 3600 })
    expect((await server.api('GET', '/webhook', { token: future.token })).status).toBe(200)
  })

  it('refuses a deleted user even right after a cached success', async () => {
    const { id, token } = await createUser(server.api)
    expect((await server.api('GET', '/webhook', { token })).status).toBe(200)
    await server.api('DELETE', `/admin/users/${id}`, { admin: true })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(401)
  })

  it('never writes tokens to the log', async () => {
    const { token } = await createUser(server.api, { token: 'token-that-must-not-be-logged' })
    await server.api('GET', `/webhook?token=${token}`)
    await server.api('GET', '/webhook', { headers: { Authorization: token } })
    await server.api('GET', '/webhook', { token })
    expect(server.logs.some(l => l.msg === 'request' && l.path === '/webhook')).toBe(true)
    expect(server.logText()).not.toContain(token)
    expect(server.logText()).not.toContain('test-admin-token')
  })
})

describe('/webhook', () => {
  it('sets, reads, updates and deletes the webhook with wuzapi\'s shapes', async () => {
    const { token } = await createUser(server.api, { events: 'Message' })
    const set = await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/a' } })
    expect(set.body).toEqual({ code: 200, data: { webhook: 'https://example.com/a' }, success: true })
    expect((await server.api('GET', '/webhook', { token })).body.data).toEqual({ webhook: 'https://example.com/a', subscribe: ['Message'], format: 'json', media_delivery: '' })
    const put = await server.api('PUT', '/webhook', { token, json: { webhook: 'https://example.com/b', events: ['ReadReceipt'] } })
    expect(put.body.data).toEqual({ webhook: 'https://example.com/b', events: ['ReadReceipt'], active: true })
    const del = await server.api('DELETE', '/webhook', { token })
    expect(del.body.data).toEqual({ Details: 'Webhook and events deleted successfully' })
    expect((await server.api('GET', '/webhook', { token })).body.data).toEqual({ webhook: '', subscribe: [], format: 'json', media_delivery: '' })
  })

  it('accepts the webhook key as an alias and refuses a body without a URL', async () => {
    const { token } = await createUser(server.api)
    expect((await server.api('POST', '/webhook', { token, json: { webhook: 'http://example.com/x' } })).body.data).toEqual({ webhook: 'http://example.com/x' })
    const res = await server.api('POST', '/webhook', { token, json: {} })
    expect(res.status).toBe(400)
    expect(res.body.error).toBe('missing webhookURL in Payload')
  })
})
