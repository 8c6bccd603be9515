import { ADMIN_TOKEN, createUser, startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

describe('admin authentication', () => {
  it('accepts the admin token raw and as a Bearer token', async () => {
    expect((await server.api('GET', '/admin/users', { admin: ADMIN_TOKEN })).status).toBe(200)
    expect((await server.api('GET', '/admin/users', { admin: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200)
  })

  it.each([['missing', undefined], ['wrong', 'not-the-admin-token'], ['a user token', 'user-token-123']])('refuses a %s token with 401', async (_label, token) => {
    const res = await server.api('GET', '/admin/users', token === undefined ? {} : { admin: token })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ code: 401, error: 'unauthorized', success: false, reason: 'unauthorized' })
  })

  it('does not accept a user token on admin routes', async () => {
    const user = await createUser(server.api, { name: 'not-admin' })
    expect((await server.api('GET', '/admin/users', { admin: user.token })).status).toBe(401)
  })
})

describe('POST /admin/users', () => {
  it('creates a user with the given token and returns it once, wuzapi-shaped', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'John', token: 'Z1234ABCCXD', webhook: 'https://example.com/hook', events: 'Message,ReadReceipt', expiration: 0 } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ code: 201, success: true, data: { name: 'John', token: 'Z1234ABCCXD', webhook: 'https://example.com/hook', events: 'Message,ReadReceipt', expiration: 0, hmac_key: false, connected: false, loggedIn: false } })
    expect(res.body.data.id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('generates a strong token when none is given', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { Name: 'Generated' } })
    expect(res.status).toBe(201)
    expect(res.body.data.token).toMatch(/^[\w-]{43}$/)
    const me = await server.api('GET', '/webhook', { token: res.body.data.token })
    expect(me.status).toBe(200)
  })

  it('never stores or lists the clear token', async () => {
    const { id, token } = await createUser(server.api, { name: 'hidden', token: 'secret-token-abcd' })
    const list = await server.api('GET', '/admin/users', { admin: true })
    const row = list.body.data.find((u: { id: string }) => u.id === id)
    expect(row.token).toBe('***abcd')
    const stored = server.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Record<string, unknown>
    expect(JSON.stringify(stored)).not.toContain(token)
  })

  it.each([
    [{}, 'missing name in Payload'],
    [{ name: '  ' }, 'missing name in Payload'],
    [{ name: 'x', events: 'Message,Foo' }, 'invalid event type'],
    [{ name: 'x', webhook: 'ftp://x' }, 'invalid webhook: must be an absolute http:// or https:// URL'],
    [{ name: 'x', token: 'short' }, 'token must be at least 8 characters long'],
    [{ name: 'x', expiration: -1 }, 'invalid expiration']
  ])('refuses %j with 400', async (json, message) => {
    const res = await server.api('POST', '/admin/users', { admin: true, json })
    expect(res.status).toBe(400)
    expect(res.body.success).toBe(false)
    expect(res.body.error).toContain(message)
  })

  it('names the unknown event in details', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'x', events: 'Foo' } })
    expect(res.body).toEqual({ code: 400, error: 'invalid event type', details: 'invalid event: Foo', success: false, reason: 'invalid_input' })
  })

  it('refuses a duplicate token with 409', async () => {
    await createUser(server.api, { name: 'a', token: 'duplicate-token' })
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'b', token: 'duplicate-token' } })
    expect(res.status).toBe(409)
    expect(res.body).toEqual({ code: 409, error: 'user with this token already exists', success: false, reason: 'conflict' })
  })
})

describe('GET /admin/users and /admin/users/{id}', () => {
  it('lists users and gets one as a one-element list', async () => {
    const { id } = await createUser(server.api, { name: 'listed', events: ['Message'] })
    const list = await server.api('GET', '/admin/users', { admin: true })
    expect(list.body.data.map((u: { id: string }) => u.id)).toContain(id)
    const one = await server.api('GET', `/admin/users/${id}`, { admin: true })
    expect(one.body).toMatchObject({ code: 200, success: true, data: [{ id, name: 'listed', events: 'Message' }] })
  })

  it('answers an unknown id with an empty list, as wuzapi does', async () => {
    const res = await server.api('GET', '/admin/users/0123456789abcdef0123456789abcdef', { admin: true })
    expect(res.body).toEqual({ code: 200, data: [], success: true })
  })
})

describe('PUT /admin/users/{id}', () => {
  it('updates the given fields and invalidates cached tokens', async () => {
    const { id, token } = await createUser(server.api, { name: 'before', token: 'token-before-1' })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(200)
    const res = await server.api('PUT', `/admin/users/${id}`, { admin: true, json: { name: 'after', token: 'token-after-1' } })
    expect(res.body).toMatchObject({ code: 200, success: true, message: 'user updated successfully', data: { name: 'after', token: 'token-after-1' } })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(401)
    expect((await server.api('GET', '/webhook', { token: 'token-after-1' })).status).toBe(200)
  })

  it('answers 404 for an unknown user and 400 for an empty update', async () => {
    expect((await server.api('PUT', '/admin/users/nope', { admin: true, json: { name: 'x' } })).status).toBe(404)
    const { id } = await createUser(server.api)
    expect((await server.api('PUT', `/admin/users/${id}`, { admin: true, json: {} })).body.error).toBe('no fields to update')
  })
})

describe('DELETE /admin/users/{id}', () => {
  it('deletes the user, and its token stops working at once', async () => {
    const { id, token } = await createUser(server.api, { name: 'doomed' })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(200)
    const res = await server.api('DELETE', `/admin/users/${id}`, { admin: true })
    expect(res.body).toEqual({ code: 200, data: { id }, details: 'user deleted successfully', success: true })
    expect((await server.api('GET', '/webhook', { token })).status).toBe(401)
    expect((await server.api('GET', `/admin/users/${id}`, { admin: true })).body.data).toEqual([])
  })

  it('answers 404 with wuzapi\'s details for an unknown user', async () => {
    const res = await server.api('DELETE', '/admin/users/unknown-id', { admin: true })
    expect(res.body).toEqual({ code: 404, error: 'user not found', details: 'No user found with ID: unknown-id', success: false, reason: 'not_found' })
  })

  it('supports the /full variant', async () => {
    const { id } = await createUser(server.api, { name: 'full' })
    const res = await server.api('DELETE', `/admin/users/${id}/full`, { admin: true })
    expect(res.body).toEqual({ code: 200, data: { id, name: 'full', jid: '' }, details: 'user instance removed completely', success: true })
  })
})
