import { createUser, startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
let token: string
beforeAll(async () => {
  server = await startTestServer({ BODY_LIMIT: '4kb' })
  token = (await createUser(server.api)).token
})
afterAll(async () => { await server.stop() })

describe('error envelope', () => {
  it('400 for malformed JSON', async () => {
    const res = await server.api('POST', '/webhook', { token, body: '{"webhookURL":', headers: { 'Content-Type': 'application/json' } })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 400, success: false })
    expect(res.body.error).toMatch(/^could not decode Payload: malformed JSON/)
  })

  it('400 naming the field for a wrong type', async () => {
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 42 } })
    expect(res.body).toEqual({ code: 400, error: 'invalid webhookURL: expected string, received number', success: false })
  })

  it('reads a JSON body sent without a content type, as wuzapi does', async () => {
    const res = await fetch(server.url + '/webhook', { method: 'POST', headers: { Token: token }, body: Buffer.from('{"webhookURL":"https://example.com/x"}') })
    expect(res.status).toBe(200)
  })

  it('401 without a token', async () => {
    const res = await server.api('GET', '/webhook')
    expect(res.body).toEqual({ code: 401, error: 'unauthorized', success: false })
  })

  it('404 for an unknown route', async () => {
    const res = await server.api('GET', '/no/such/route', { token })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ code: 404, error: 'route not found: GET /no/such/route', success: false })
  })

  it('405 with an Allow header for a known route and the wrong method', async () => {
    const res = await server.api('PATCH', '/webhook', { token })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toContain('GET')
    expect(res.body).toMatchObject({ code: 405, success: false })
    expect(res.body.error).toContain('PATCH')
  })

  it('413 for a body over BODY_LIMIT', async () => {
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/' + 'x'.repeat(8000) } })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ code: 413, error: 'request body too large: the limit is 4096 bytes (BODY_LIMIT)', success: false })
  })

  it('415 for a body that is not JSON', async () => {
    const res = await server.api('POST', '/webhook', { token, body: '<x/>', headers: { 'Content-Type': 'application/xml' } })
    expect(res.status).toBe(415)
    expect(res.body).toEqual({ code: 415, error: 'unsupported content type "application/xml": send application/json', success: false })
  })

  it('every response carries an X-Request-Id, and a caller\'s own id is echoed', async () => {
    const res = await server.api('GET', '/health')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const own = await server.api('GET', '/health', { headers: { 'X-Request-Id': 'my-trace-1' } })
    expect(own.headers.get('x-request-id')).toBe('my-trace-1')
  })
})

describe('unexpected failures', () => {
  it('500 with a generic message, details only in the log under the request id; /health reports 503', async () => {
    const own = await startTestServer()
    try {
      const user = await createUser(own.api)
      own.db.close()
      const res = await own.api('GET', '/admin/users', { admin: true })
      expect(res.status).toBe(500)
      const reqId = res.headers.get('x-request-id')
      expect(res.body).toEqual({ code: 500, error: `internal server error (request id ${reqId})`, success: false })
      expect(JSON.stringify(res.body)).not.toMatch(/database|sqlite|stack/i)
      const logged = own.logs.find(l => l.reqId === reqId && l.msg === 'request failed')
      expect(JSON.stringify(logged)).toMatch(/database connection is not open/)
      const health = await own.api('GET', '/health')
      expect(health.status).toBe(503)
      expect(health.body).toMatchObject({ status: 'degraded', database: 'error' })
      expect(user.token).not.toBe('')
    } finally {
      await own.close().catch(() => {})
    }
  })
})
