import sharp from 'sharp'
import { fetch as undiciFetch } from 'undici'
import { parseProxyUrl, proxyAgents } from '../../src/net/proxy.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { dataUrl, downloadReceived } from '../helpers/media.js'
import { startHttpProxy, startSocksProxy, type TestProxy } from '../helpers/proxy.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { startSandboxServer, waitForStatus } from '../helpers/session.js'

let server: TestServer
let peer: VirtualPhone
let wsHost: string
let mediaHost: string

const PEER = '5491100010900'
/** Each login gets its own number. */
let logins = 0

beforeAll(async () => {
  server = await startSandboxServer()
  peer = server.sandbox!.createPhone(PEER)
  wsHost = new URL(server.sandbox!.wsUrl).host
  mediaHost = server.sandbox!.core.config.mediaHost
})
afterAll(async () => { await server.stop() })

async function setProxy (token: string, json: unknown): Promise<any> {
  return await server.api('POST', '/session/proxy', { token, json })
}

/** Connects the user's session (QR flow) and logs it in as `phone`. */
async function login (user: { id: string, token: string }, phone: string): Promise<void> {
  const connect = await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: false } })
  expect(connect.body.data?.state).toBe('qr')
  const scan = await server.api('POST', '/sandbox/scan', { admin: true, json: { UserID: user.id, Phone: phone } })
  expect(scan.status).toBe(200)
  await waitForStatus(server, user.token, s => s.LoggedIn === true)
}

/** Sends an image (the upload goes to the media host) and checks the peer got it intact. */
async function sendImage (token: string): Promise<void> {
  const png = await sharp({ create: { width: 24, height: 24, channels: 3, background: '#118844' } }).png().toBuffer()
  const res = await server.api('POST', '/chat/send/image', { token, json: { Phone: PEER, Image: dataUrl('image/png', png) } })
  expect(res.status).toBe(200)
  const got = await peer.waitForMessage(m => m.id === res.body.data.Id)
  const image = got.message?.imageMessage
  expect(image).toBeTruthy()
  expect((await downloadReceived(server, image!, 'image')).equals(png)).toBe(true)
}

describe.each([
  ['an HTTP proxy', async () => await startHttpProxy()],
  ['an HTTP proxy with a password', async () => await startHttpProxy({ user: 'gw', password: 's3cret' })],
  ['a SOCKS5 proxy', async () => await startSocksProxy()]
])('POST /session/proxy with %s', (_name, start: () => Promise<TestProxy>) => {
  let proxy: TestProxy
  beforeAll(async () => { proxy = await start() })
  afterAll(async () => { await proxy.close() })

  it('sends the WhatsApp socket and media uploads through the proxy, and is refused while connected', async () => {
    const user = await createUser(server.api)
    const set = await setProxy(user.token, { proxy_url: proxy.url, enable: true })
    expect(set.status).toBe(200)
    expect(set.body).toEqual({ code: 200, success: true, data: { Details: 'Proxy configured successfully', ProxyURL: proxy.url } })
    const status = (await server.api('GET', '/session/status', { token: user.token })).body.data
    expect(status.proxy_config).toEqual({ enabled: true, proxy_url: proxy.url })

    await login(user, `549110001090${++logins}`)
    await proxy.waitFor(t => t === wsHost)
    await sendImage(user.token)
    await proxy.waitFor(t => t === mediaHost)

    const refused = await setProxy(user.token, { proxy_url: proxy.url, enable: true })
    expect(refused.status).toBe(400)
    expect(refused.body.error).toMatch(/^cannot set proxy while connected\. Please disconnect first/)

    expect((await server.api('POST', '/session/disconnect', { token: user.token, json: {} })).status).toBe(200)
    const off = await setProxy(user.token, { enable: false })
    expect(off.body.data).toEqual({ Details: 'Proxy disabled successfully' })
    expect((await server.api('GET', '/session/status', { token: user.token })).body.data.proxy_config).toEqual({ enabled: false, proxy_url: '' })
  })

  it('gives undici (media downloads, webhook deliveries) a dispatcher that tunnels through the proxy', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).jpeg().toBuffer()
    peer.replacePicture(jpeg)
    const agents = proxyAgents(parseProxyUrl(proxy.url), server.sandbox!.mediaCa)
    try {
      const res = await undiciFetch(`https://${mediaHost}/pp/${PEER}/any`, { dispatcher: agents.dispatcher })
      expect(res.status).toBe(200)
      expect(Buffer.from(await res.arrayBuffer()).equals(jpeg)).toBe(true)
      expect(proxy.targets.filter(t => t === mediaHost).length).toBeGreaterThan(0)
    } finally {
      await agents.close()
    }
  })
})

describe('POST /session/proxy: bad input', () => {
  it('refuses a missing, malformed or unsupported proxy URL with wuzapi\'s messages', async () => {
    const user = await createUser(server.api)
    const missing = await setProxy(user.token, { enable: true })
    expect(missing.body).toMatchObject({ code: 400, error: 'missing proxy_url in payload', success: false })
    expect((await setProxy(user.token, { proxy_url: 'not a url', enable: true })).body.error).toMatch(/^invalid proxy URL format/)
    expect((await setProxy(user.token, { proxy_url: 'ftp://127.0.0.1:21', enable: true })).body.error).toMatch(/^only HTTP and SOCKS5 proxies are supported/)
    expect((await setProxy(user.token, { proxy_url: 'https://127.0.0.1:3128', enable: true })).body.error).toMatch(/^only HTTP and SOCKS5 proxies are supported/)
    expect((await setProxy(user.token, { proxy_url: 'http://127.0.0.1:3128/path', enable: true })).body.error).toMatch(/^invalid proxy URL format/)
  })

  it('checks the admin API\'s proxyConfig the same way', async () => {
    const res = await server.api('POST', '/admin/users', { admin: true, json: { name: 'p', proxyConfig: { enabled: true, proxyURL: 'gopher://x:70' } } })
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/^only HTTP and SOCKS5 proxies are supported/)
  })
})

describe('a proxy that does not answer', () => {
  it('leaves the session unable to connect, with the proxy\'s failure as the last error', async () => {
    const dead = await startHttpProxy()
    const url = dead.url
    await dead.close()
    const user = await createUser(server.api)
    expect((await setProxy(user.token, { proxy_url: url })).status).toBe(200)
    await server.api('POST', '/session/connect', { token: user.token, json: { Immediate: true } })
    const status = await waitForStatus(server, user.token, s => s.lastError !== null)
    expect(status.LoggedIn).toBe(false)
    expect(status.lastError.message).toMatch(/ECONNREFUSED|proxy/)
    await server.api('POST', '/session/disconnect', { token: user.token, json: {} })
  })
})
