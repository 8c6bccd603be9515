import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request, type ClientRequest } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ADMIN_TOKEN, createUser, startTestServer, type TestServer } from '../helpers/server.js'
import { waitUntil } from '../helpers/wait.js'

describe('per-token rate limit (RATE_LIMIT_PER_MINUTE)', () => {
  let server: TestServer
  beforeAll(async () => { server = await startTestServer({ RATE_LIMIT_PER_MINUTE: '3' }) })
  afterAll(async () => { await server.stop() })

  it('answers 429 with Retry-After once a token used up its requests; other tokens and the admin are not held back', async () => {
    const a = await createUser(server.api)
    const b = await createUser(server.api)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      const res = await server.api('GET', '/session/status', { token: a.token })
      statuses.push(res.status)
      expect(res.headers.get('x-ratelimit-limit')).toBe('3')
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(2 - i))
    }
    expect(statuses).toEqual([200, 200, 200])
    const refused = await server.api('GET', '/session/status', { token: a.token })
    expect(refused.status).toBe(429)
    // 3 a minute: the next request is allowed 20 s later
    expect(refused.headers.get('retry-after')).toBe('20')
    expect(refused.body).toEqual({ code: 429, success: false, reason: 'rate_limited', retry_after: 20, error: 'too many requests: the limit is 3 per minute for this token; retry in 20 s' })
    // the token query parameter is the same token
    expect((await server.api('GET', `/session/status?token=${a.token}`)).status).toBe(429)

    expect((await server.api('GET', '/session/status', { token: b.token })).status).toBe(200)
    // the admin token is exempt by default
    for (let i = 0; i < 6; i++) expect((await server.api('GET', '/admin/users', { admin: true })).status).toBe(200)
    // unknown tokens are refused (401) before the limit, and take nothing from anyone
    for (let i = 0; i < 5; i++) expect((await server.api('GET', '/session/status', { token: 'nobody' })).status).toBe(401)
    // unauthenticated routes are not limited
    for (let i = 0; i < 5; i++) expect((await server.api('GET', '/health')).status).toBe(200)
  })

  it('limits the admin token too with RATE_LIMIT_ADMIN=true', async () => {
    const own = await startTestServer({ RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_ADMIN: 'true' })
    try {
      expect((await own.api('GET', '/admin/users', { admin: true })).status).toBe(200)
      expect((await own.api('GET', '/admin/users', { admin: true })).status).toBe(200)
      const refused = await own.api('GET', '/admin/users', { admin: true })
      expect(refused.status).toBe(429)
      expect(refused.headers.get('retry-after')).toBe('30')
      const metrics = await (await fetch(own.url + '/metrics')).text()
      expect(metrics).toMatch(/^wuzapi_rate_limited_total 1$/m)
    } finally {
      await own.stop()
    }
  })

  it('is off by default', async () => {
    const own = await startTestServer()
    try {
      const user = await createUser(own.api)
      for (let i = 0; i < 70; i++) expect((await own.api('GET', '/session/status', { token: user.token })).status).toBe(200)
    } finally {
      await own.stop()
    }
  })
})

interface RawAnswer { status: number, headers: Record<string, string | string[] | undefined>, body: any }

/** Sends `head` now and keeps the request open (for `rest`, or an abort): a slow large upload. */
function openRequest (url: string, urlPath: string, headers: Record<string, string>, head: Buffer): { req: ClientRequest, answer: Promise<RawAnswer> } {
  const req = request(url + urlPath, { method: 'POST', headers })
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req.on('response', res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown = text
        try { body = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject)
  })
  req.write(head)
  return { req, answer }
}

/**
 * A request with `Expect: 100-continue`: the body is sent only once the server says 100 Continue.
 * Resolves with the answer and whether the server asked for the body.
 */
async function expectContinue (url: string, urlPath: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number, continued: boolean, body: any }> {
  return await new Promise((resolve, reject) => {
    let continued = false
    const req = request(url + urlPath, { method: 'POST', headers: { ...headers, Expect: '100-continue', 'Content-Length': String(body.length) } })
    req.on('continue', () => {
      continued = true
      req.end(body)
    })
    req.on('response', res => {
      const chunks: Buffer[] = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        req.destroy()
        resolve({ status: res.statusCode ?? 0, continued, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      })
    })
    req.on('error', reject)
    req.flushHeaders()
  })
}

const BOUNDARY = 'limits-test-boundary'
function multipartHead (): Buffer {
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="Phone"\r\n\r\n5491100001234\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n` + 'x'.repeat(4096))
}
function multipartTail (): Buffer {
  return Buffer.from(`\r\n--${BOUNDARY}--\r\n`)
}

describe('concurrent large media requests (MEDIA_MAX_CONCURRENT)', () => {
  let server: TestServer
  let tempDir: string
  let token: string
  beforeAll(async () => {
    tempDir = mkdtempSync(path.join(tmpdir(), 'wuzapi-limits-'))
    server = await startTestServer({ MEDIA_MAX_CONCURRENT: '2', MEDIA_LARGE_BYTES: '64kb', MEDIA_TEMP_DIR: tempDir })
    token = (await createUser(server.api)).token
  })
  afterAll(async () => {
    await server.stop()
    rmSync(tempDir, { recursive: true, force: true })
  })

  const multipartHeaders = (length: number): Record<string, string> => ({ Token: token, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': String(length) })

  it('answers 503 with Retry-After past the cap, before reading the body; small media requests pass; slots come back', async () => {
    // two 64 MB uploads in progress hold both slots (each has its file part open in the temp folder)
    const big = 64 * 1024 * 1024
    const held = [0, 1].map(() => openRequest(server.url, '/chat/send/image', multipartHeaders(big), multipartHead()))
    for (const h of held) h.answer.catch(() => {})
    await waitUntil(() => readdirSync(tempDir).length === 2, 'both uploads to be streaming to disk')

    // a burst of more large uploads: every one is refused at once, none reaches the disk
    const burst = await Promise.all([0, 1, 2, 3, 4].map(async () => {
      const r = openRequest(server.url, '/chat/send/image', multipartHeaders(big), multipartHead())
      const answer = await r.answer
      r.req.destroy()
      return answer
    }))
    for (const answer of burst) {
      expect(answer.status).toBe(503)
      expect(answer.headers['retry-after']).toBe('5')
      expect(answer.body).toMatchObject({ code: 503, success: false, reason: 'busy', retry_after: 5 })
      expect(answer.body.error).toContain('MEDIA_MAX_CONCURRENT')
    }
    expect(readdirSync(tempDir).length).toBe(2)
    // a client that waits for 100 Continue is refused before it sends any of its body
    const waiting = await expectContinue(server.url, '/chat/send/image', { Token: token, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` }, Buffer.concat([multipartHead(), multipartTail()]))
    expect(waiting).toMatchObject({ status: 503, continued: false, body: { reason: 'busy' } })

    // a large JSON body is large too; a small one (a URL, a short data URL) is not held back
    const largeJson = await server.api('POST', '/chat/send/image', { token, json: { Phone: '5491100001234', Image: 'data:image/jpeg;base64,' + 'A'.repeat(100 * 1024) } })
    expect(largeJson.status).toBe(503)
    const small = await server.api('POST', '/chat/send/image', { token, json: { Phone: '5491100001234', Image: 'data:image/jpeg;base64,/9j/4AAQ' } })
    expect(small.status).not.toBe(503)

    // the uploads end (the clients give up): their slots are freed and their files removed
    for (const h of held) h.req.destroy()
    await waitUntil(() => readdirSync(tempDir).length === 0, 'the aborted uploads\' files to be removed')
    await waitUntil(async () => {
      const r = openRequest(server.url, '/chat/send/image', multipartHeaders(multipartHead().length + multipartTail().length), multipartHead())
      r.req.end(multipartTail())
      return (await r.answer).status !== 503
    }, 'a slot to be free again')

    // with a free slot, the body is asked for (100 Continue) and read
    const asked = await expectContinue(server.url, '/chat/send/image', { Token: token, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` }, Buffer.concat([multipartHead(), multipartTail()]))
    expect(asked.continued).toBe(true)
    expect(asked.status).not.toBe(503)

    const metrics = await (await fetch(server.url + '/metrics')).text()
    expect(metrics).toMatch(/^wuzapi_media_busy_total 7$/m)
  })

  it('Expect: 100-continue on JSON routes: the body is asked for after the auth check', async () => {
    const json = Buffer.from(JSON.stringify({ name: 'expecting' }))
    const created = await expectContinue(server.url, '/admin/users', { Authorization: ADMIN_TOKEN, 'Content-Type': 'application/json' }, json)
    expect(created).toMatchObject({ status: 201, continued: true, body: { data: { name: 'expecting' } } })
    const refused = await expectContinue(server.url, '/admin/users', { Authorization: 'wrong', 'Content-Type': 'application/json' }, json)
    expect(refused).toMatchObject({ status: 401, continued: false })
  })
})
