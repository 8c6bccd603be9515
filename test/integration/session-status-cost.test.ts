import { jest } from '@jest/globals'
import { UsersRepo } from '../../src/db/repos/users.js'
import { createUser, startTestServer, type TestServer } from '../helpers/server.js'

let server: TestServer
beforeAll(async () => { server = await startTestServer() })
afterAll(async () => { await server.stop() })

/** GET /session/status is what clients poll: its cost per request is benchmarked (npm run bench, http). */
describe('GET /session/status', () => {
  it('reads the user\'s row once per request, whatever the webhook settings', async () => {
    const user = await createUser(server.api)
    const key = await server.api('POST', '/session/hmac/config', { token: user.token, json: { hmac_key: 'status-cost-hmac-key-0123456789-abcdef' } })
    expect(key.status).toBe(200)
    await server.api('GET', '/session/status', { token: user.token })
    const byId = jest.spyOn(UsersRepo.prototype, 'byId')
    try {
      const res = await server.api('GET', '/session/status', { token: user.token })
      expect(res.status).toBe(200)
      expect(res.body.data).toMatchObject({ id: user.id, hmac_configured: true })
      expect(byId.mock.calls.filter(([id]) => id === user.id)).toHaveLength(1)
    } finally {
      byId.mockRestore()
    }
  })
})
