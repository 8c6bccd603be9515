import type { RouteDefinition } from '../../src/http/route.js'
import { ROUTE_TABLE } from '../../src/http/routes/index.js'
import { createUser, type TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

function routeFor (method: string, path: string): RouteDefinition {
  const route = Object.values(ROUTE_TABLE).flat().find(r => r.method === method && r.path === path)
  if (route === undefined) throw new Error(`no route ${method} ${path}`)
  return route
}

/** The real answer matches the documented schema exactly: parsing drops unknown keys, so a field the schema lacks shows up too. */
function expectMatches (method: string, path: string, data: unknown): void {
  const schema = routeFor(method, path).response
  const parsed = schema.safeParse(data)
  expect(parsed.error?.issues).toBeUndefined()
  expect(parsed.data).toEqual(data)
}

let server: TestServer
let user: { id: string, token: string }
beforeAll(async () => {
  server = await startSandboxServer()
  user = await loginWithQr(server, '5491100003333')
})
afterAll(async () => { await server.stop() })

describe('responses match their route\'s response schema', () => {
  it('GET /health (no envelope)', async () => {
    expectMatches('GET', '/health', (await server.api('GET', '/health')).body)
  })

  it('admin: create, list, get, update', async () => {
    const created = await server.api('POST', '/admin/users', { admin: true, json: { name: 'schema', webhook: 'https://example.com/h', events: 'Message' } })
    expectMatches('POST', '/admin/users', created.body.data)
    expectMatches('GET', '/admin/users', (await server.api('GET', '/admin/users', { admin: true })).body.data)
    expectMatches('GET', '/admin/users/:id', (await server.api('GET', `/admin/users/${user.id}`, { admin: true })).body.data)
    const updated = await server.api('PUT', `/admin/users/${created.body.data.id as string}`, { admin: true, json: { name: 'renamed' } })
    expectMatches('PUT', '/admin/users/:id', updated.body.data)
  })

  it('session: status and connect of a logged-in session', async () => {
    expectMatches('GET', '/session/status', (await server.api('GET', '/session/status', { token: user.token })).body.data)
    expectMatches('POST', '/session/connect', (await server.api('POST', '/session/connect', { token: user.token, json: {} })).body.data)
  })

  it('webhook: set, get, update', async () => {
    const other = await createUser(server.api)
    expectMatches('POST', '/webhook', (await server.api('POST', '/webhook', { token: other.token, json: { webhookURL: 'https://example.com/w', events: ['Message'] } })).body.data)
    expectMatches('GET', '/webhook', (await server.api('GET', '/webhook', { token: other.token })).body.data)
    expectMatches('PUT', '/webhook', (await server.api('PUT', '/webhook', { token: other.token, json: { events: 'Message,ReadReceipt' } })).body.data)
  })

  it('sandbox: a phone, a message to the user, what the phone received', async () => {
    const phone = await server.api('POST', '/sandbox/phones', { admin: true, json: { Phone: '5491100004444', PushName: 'Ana' } })
    expectMatches('POST', '/sandbox/phones', phone.body.data)
    const sent = await server.api('POST', '/sandbox/phones/5491100004444/send', { admin: true, json: { To: user.id, Body: 'hello' } })
    expectMatches('POST', '/sandbox/phones/:phone/send', sent.body.data)
    expectMatches('GET', '/sandbox/phones/:phone/messages', (await server.api('GET', '/sandbox/phones/5491100004444/messages', { admin: true })).body.data)
  })
})
