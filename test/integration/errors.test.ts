import net from 'node:net'
import zlib from 'node:zlib'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'

/** Sends raw request bytes and reads until the server closes; fetch refuses CONNECT, TRACE and unknown methods. */
async function rawRequest (port: number, text: string): Promise<{ status: number, headers: string, body: any }> {
  const response = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => { socket.end(text) })
    let out = ''
    socket.setEncoding('utf8')
    socket.on('data', chunk => { out += chunk })
    socket.on('end', () => { resolve(out) })
    socket.on('error', reject)
  })
  const [head = '', body = ''] = response.split('\r\n\r\n', 2)
  return { status: Number(head.split(' ')[1]), headers: head, body: body === '' ? '' : JSON.parse(body) }
}

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
    expect(res.body).toMatchObject({ code: 400, success: false, reason: 'malformed_body' })
    expect(res.body.error).toMatch(/^could not decode Payload: malformed JSON/)
  })

  it('400 naming the field for a wrong type', async () => {
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 42 } })
    expect(res.body).toEqual({ code: 400, error: 'invalid webhookURL: expected string, received number', success: false, reason: 'invalid_input' })
  })

  it('reads a JSON body sent without a content type, as wuzapi does', async () => {
    const res = await fetch(server.url + '/webhook', { method: 'POST', headers: { Token: token }, body: Buffer.from('{"webhookURL":"https://example.com/x"}') })
    expect(res.status).toBe(200)
  })

  it('401 without a token', async () => {
    const res = await server.api('GET', '/webhook')
    expect(res.body).toEqual({ code: 401, error: 'unauthorized', success: false, reason: 'unauthorized' })
  })

  it('404 for an unknown route', async () => {
    const res = await server.api('GET', '/no/such/route', { token })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ code: 404, error: 'route not found: GET /no/such/route', success: false, reason: 'route_not_found' })
  })

  it('405 with an Allow header for a known route and the wrong method', async () => {
    const res = await server.api('PATCH', '/webhook', { token })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toContain('GET')
    expect(res.body).toMatchObject({ code: 405, success: false, reason: 'method_not_allowed' })
    expect(res.body.error).toContain('PATCH')
  })

  it('413 for a body over BODY_LIMIT', async () => {
    const res = await server.api('POST', '/webhook', { token, json: { webhookURL: 'https://example.com/' + 'x'.repeat(8000) } })
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ code: 413, error: 'request body too large: the limit is 4096 bytes (BODY_LIMIT)', success: false, reason: 'payload_too_large' })
  })

  it('415 for a body that is not JSON', async () => {
    const res = await server.api('POST', '/webhook', { token, body: '<x/>', headers: { 'Content-Type': 'application/xml' } })
    expect(res.status).toBe(415)
    expect(res.body).toEqual({ code: 415, error: 'unsupported content type "application/xml": send application/json', success: false, reason: 'unsupported_media_type' })
  })

  it('every response carries an X-Request-Id, and a caller\'s own id is echoed', async () => {
    const res = await server.api('GET', '/health')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const own = await server.api('GET', '/health', { headers: { 'X-Request-Id': 'my-trace-1' } })
    expect(own.headers.get('x-request-id')).toBe('my-trace-1')
  })
})

describe('Content-Encoding', () => {
  const webhook = { webhookURL: 'https://example.com/encoded' }

  async function postEncoded (encoding: string, body: Buffer): Promise<Response> {
    return await fetch(server.url + '/webhook', { method: 'POST', headers: { Token: token, 'Content-Type': 'application/json', 'Content-Encoding': encoding }, body })
  }

  it.each([
    ['gzip', zlib.gzipSync], ['x-gzip', zlib.gzipSync], ['GZip', zlib.gzipSync], ['deflate', zlib.deflateSync], ['br', zlib.brotliCompressSync]
  ])('decodes a %s body', async (encoding, compress) => {
    const res = await postEncoded(encoding, compress(JSON.stringify(webhook)))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ code: 200, data: { webhook: webhook.webhookURL }, success: true })
  })

  it.each(['compress', 'x-foo', 'gzip, br'])('415 naming an encoding it cannot decode (%s)', async encoding => {
    const res = await postEncoded(encoding, Buffer.from(JSON.stringify(webhook)))
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual({
      code: 415, error: `unsupported Content-Encoding "${encoding}": send the body as identity, gzip, x-gzip, deflate, br`, success: false, reason: 'unsupported_encoding'
    })
  })

  it.each([
    ['gzip', Buffer.from('not gzip at all')],
    ['gzip', zlib.gzipSync(JSON.stringify(webhook)).subarray(0, 12)],
    ['deflate', Buffer.from('not deflate')],
    ['br', Buffer.from('not brotli, really not')]
  ])('400 for a %s body that does not decompress', async (encoding, body) => {
    const res = await postEncoded(encoding, body)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      code: 400, error: `could not decode Payload: the body could not be decompressed as ${encoding}`, success: false, reason: 'undecodable_body'
    })
  })
})

describe('methods', () => {
  it.each(['TRACE', 'PROPFIND', 'CONNECT', 'FOO'])('501 for %s, saying the method is not supported', async method => {
    const target = method === 'CONNECT' ? 'example.com:443' : '/webhook'
    const res = await rawRequest(server.port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nToken: ${token}\r\nConnection: close\r\n\r\n`)
    expect(res.status).toBe(501)
    expect(res.body).toMatchObject({ code: 501, success: false, reason: 'not_implemented' })
    expect(res.body.error).toMatch(/is not supported by this API: use GET, POST, PUT or DELETE$/)
    if (method !== 'FOO') expect(res.body.error).toContain(`method ${method} `)
  })

  it('501 for an unsupported method on an unknown path too', async () => {
    const res = await rawRequest(server.port, 'TRACE /no/such/route HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(res.status).toBe(501)
    expect(res.body.reason).toBe('not_implemented')
  })

  it('a request line Node cannot parse is an enveloped 400', async () => {
    const res = await rawRequest(server.port, 'GET /webhook HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')
    expect(res.status).toBe(400)
    expect(res.body).toEqual({ code: 400, error: 'malformed HTTP request', success: false, reason: 'invalid_input' })
  })
})

describe('bodies on GET and HEAD', () => {
  it.each(['GET', 'HEAD'])('%s ignores a malformed JSON body and answers normally', async method => {
    const body = '{"webhookURL":'
    const res = await rawRequest(server.port, `${method} /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nToken: ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    expect(res.status).toBe(200)
    if (method === 'GET') expect(res.body).toMatchObject({ code: 200, success: true })
    else expect(res.body).toBe('')
  })
})

describe('string limits', () => {
  it.each([
    ['POST', '/admin/users', { name: 'n'.repeat(256) }, 'invalid name: must be at most 255 characters'],
    ['POST', '/admin/users', { name: 'ok', token: 't'.repeat(1025) }, 'invalid token: must be at most 1024 characters'],
    ['POST', '/admin/users', { name: 'ok', events: Array.from({ length: 65 }, () => 'Message') }, 'invalid events: must have at most 64 entries'],
    ['POST', '/admin/users', { name: 'ok', proxyConfig: { enabled: true, proxyURL: 'http://' + 'p'.repeat(2048) } }, 'invalid proxyConfig.proxyURL: must be at most 2048 characters'],
    ['POST', '/webhook', { webhookURL: 'https://example.com/' + 'x'.repeat(2048) }, 'invalid webhookURL: must be at most 2048 characters'],
    ['POST', '/session/connect', { Subscribe: ['x'.repeat(65)] }, 'invalid Subscribe.0: must be at most 64 characters'],
    ['POST', '/session/pairphone', { Phone: '1'.repeat(65) }, 'invalid Phone: must be at most 64 characters']
  ])('%s %s: an oversize field is a 400 naming the field and the limit', async (method, path, json, error) => {
    const res = await server.api(method, path, path.startsWith('/admin') ? { admin: true, json } : { token, json })
    expect(res.body).toEqual({ code: 400, error, success: false, reason: 'invalid_input' })
  })

  it('a name at the limit is stored', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'n'.repeat(255) } })
    expect(res.status).toBe(201)
    expect(res.body.data.name).toBe('n'.repeat(255))
  })
})

describe('unexpected failures', () => {
  it('500 with a generic message, details only in the log under the request id; /health reports 503', async () => {
    const own = await startTestServer()
    try {
      const user = await createUser(own.api)
      own.db.close()
      const res = await own.api('GET', `/webhook?token=${user.token}`)
      expect(res.status).toBe(500)
      const reqId = res.headers.get('x-request-id')
      expect(res.body).toEqual({ code: 500, error: `internal server error (request id ${reqId})`, success: false, reason: 'internal' })
      expect(JSON.stringify(res.body)).not.toMatch(/database|sqlite|stack/i)
      const logged = own.logs.find(l => l.reqId === reqId && l.msg === 'request failed')
      expect(JSON.stringify(logged)).toMatch(/database connection is not open/)
      const health = await own.api('GET', '/health')
      expect(health.status).toBe(503)
      expect(health.body).toMatchObject({ status: 'degraded', database: 'error' })
      // The failed request carried the user's token in its URL: neither the answer nor the log may show it.
      expect(JSON.stringify(res.body)).not.toContain(user.token)
      expect(own.logText()).not.toContain(user.token)
    } finally {
      await own.close().catch(() => {})
    }
  })
})
