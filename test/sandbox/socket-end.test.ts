import { Sandbox } from '../../src/sandbox/index.js'
import { memoryAuthState, quietLibsignal, sandboxSocket } from '../../src/sandbox/testing.js'

describe('a Baileys socket ended by us', () => {
  let sb: Sandbox
  const restore = quietLibsignal()
  beforeAll(async () => { sb = await Sandbox.start() })
  afterAll(async () => {
    await sb.stop()
    restore()
  })

  it('with a query in flight fails the query at once instead of at its timeout', async () => {
    const sock = sandboxSocket(sb, memoryAuthState(), { defaultQueryTimeoutMs: 20_000 })
    await new Promise(resolve => sock.ev.on('connection.update', u => { if (u.qr !== undefined) resolve(u) }))
    // an IQ the sandbox never answers: only the socket's end can settle it
    const pending = sock.query({ tag: 'iq', attrs: { to: '@s.whatsapp.net', type: 'get', xmlns: 'sandbox:no-answer', id: sock.generateMessageTag() } }).catch((err: unknown) => err)
    const started = Date.now()
    await sock.end(undefined)
    expect(await pending).toMatchObject({ output: { statusCode: 428 } })
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
