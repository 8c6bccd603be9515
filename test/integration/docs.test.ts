import { startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

describe('GET /openapi.json and /docs', () => {
  it('serves the OpenAPI document of the mounted routes, without auth', async () => {
    const res = await server.api('GET', '/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.body.openapi).toBe('3.1.0')
    expect(res.body.paths['/chat/send/text'].post.summary).not.toBe('')
    expect(res.body.paths['/openapi.json'].get).toBeDefined()
    // live mode (this server is not in sandbox mode): the sandbox routes are not mounted, so not documented
    expect(Object.keys(res.body.paths).filter((p: string) => p.startsWith('/sandbox'))).toEqual([])
  })

  it('serves Swagger UI and its files from node_modules (no CDN)', async () => {
    const page = await fetch(server.url + '/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const html = await page.text()
    expect(html).toContain("url: '/openapi.json'")
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(m => m[1] ?? '')
    expect(scripts.every(s => s.startsWith('/docs/'))).toBe(true)
    for (const asset of scripts) {
      const res = await fetch(server.url + asset)
      expect([asset, res.status]).toEqual([asset, 200])
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(500)
    }
    const bundle = await fetch(server.url + '/docs/swagger-ui-bundle.js')
    expect(bundle.headers.get('content-type')).toMatch(/^application\/javascript/)
    await bundle.arrayBuffer()
  })

  it('answers 404 in the envelope for a file that is not part of the page', async () => {
    for (const name of ['package.json', '..%2Fpackage.json', 'index.js']) {
      const res = await server.api('GET', `/docs/${name}`)
      expect(res.status).toBe(404)
      expect(res.body).toMatchObject({ code: 404, success: false })
    }
  })
})
