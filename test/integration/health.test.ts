import { VERSION } from '../../src/util/package-info.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

describe('GET /health', () => {
  it('needs no auth and reports status, version, uptime, database and users', async () => {
    await createUser(server.api)
    const res = await server.api('GET', '/health')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'ok', version: VERSION, database: 'ok', total_users: 1, connected_users: 0, sessions: {} })
    expect(res.body.uptime).toMatch(/^(\d+h)?(\d+m)?\d+s$/)
    expect(new Date(res.body.timestamp).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })
})
