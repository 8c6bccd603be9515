import type { TestServer } from '../helpers/server.js'
import { loginWithQr, recordSessionEvents, startSandboxServer } from '../helpers/session.js'

let server: TestServer
beforeAll(async () => { server = await startSandboxServer() })
afterAll(async () => { await server.stop() })

const ME = '5491100011001'
const PEER = '5491100011002'

/** Rows a user still has in each of its tables. */
function rowsOf (id: string): Record<string, number> {
  const count = (table: string, column = 'user_id'): number => (server.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(id) as { n: number }).n
  return { users: count('users', 'id'), wa_creds: count('wa_creds'), wa_keys: count('wa_keys'), messages: count('messages'), contacts: count('contacts') }
}

describe('DELETE /admin/users/{id}/full (wuzapi: logout, disconnect, delete the user and all it stored)', () => {
  it('logs the device out on the phone side, deletes every row of the user, and answers id, name and JID', async () => {
    const user = await loginWithQr(server, ME, { name: 'to-remove', history: 20 })
    const peer = server.sandbox!.createPhone(PEER, 'Peer')
    const log = recordSessionEvents(server, user.id)
    const id = await peer.sendText(`${ME}@s.whatsapp.net`, 'remember me')
    await log.waitFor(e => e.type === 'message' && e.message.id === id)
    log.stop()
    const deadline = Date.now() + 5000
    while (rowsOf(user.id).contacts === 0 || rowsOf(user.id).messages === 0) {
      if (Date.now() > deadline) throw new Error(`rows never stored: ${JSON.stringify(rowsOf(user.id))}`)
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    const account = server.sandbox!.core.account(ME)!
    const device = Object.values(account.devices).find(d => d.kind === 'companion')!
    expect(rowsOf(user.id)).toMatchObject({ users: 1, wa_creds: 1 })

    const res = await server.api('DELETE', `/admin/users/${user.id}/full`, { admin: true })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      code: 200,
      data: { id: user.id, name: 'to-remove', jid: `${ME}:${device.id}@s.whatsapp.net` },
      details: 'user instance removed completely',
      success: true
    })
    // the phone no longer lists the linked device: it was logged out, not just disconnected
    expect(account.devices[String(device.id)]).toBeUndefined()
    expect(server.registry.find(user.id)).toBeUndefined()
    expect(rowsOf(user.id)).toEqual({ users: 0, wa_creds: 0, wa_keys: 0, messages: 0, contacts: 0 })
    // wuzapi evicts the token from its cache on /full: it stops working at once
    expect((await server.api('GET', '/session/status', { token: user.token })).status).toBe(401)
  })

  it('answers wuzapi\'s 404 for an unknown id', async () => {
    const res = await server.api('DELETE', '/admin/users/nosuchuser/full', { admin: true })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 404, details: 'No user found with ID: nosuchuser', error: 'user not found', success: false })
  })
})
