import { rmSync } from 'node:fs'
import { acquireDataDirLock, DataDirLockError } from '../../src/db/data-dir-lock.js'
import { createUser, startTestServer, tempDataDir } from '../helpers/server.js'

describe('acquireDataDirLock', () => {
  let dataDir: string
  beforeEach(() => { dataDir = tempDataDir() })
  afterEach(() => { rmSync(dataDir, { recursive: true, force: true }) })

  it('is exclusive within one process, names the holder, and is free again after release', () => {
    const first = acquireDataDirLock(dataDir)
    let refused: unknown
    try {
      acquireDataDirLock(dataDir).release()
    } catch (err) {
      refused = err
    }
    expect(refused).toBeInstanceOf(DataDirLockError)
    expect((refused as DataDirLockError).holderPid).toBe(process.pid)
    first.release()
    first.release()
    acquireDataDirLock(dataDir).release()
  })
})

describe('a second server on the same DATA_DIR', () => {
  it('refuses to start while the first keeps running with its data; starts once the first stopped', async () => {
    const dataDir = tempDataDir()
    try {
      const first = await startTestServer({}, dataDir)
      try {
        const { id, token } = await createUser(first.api, { name: 'owner' })
        first.db.prepare('UPDATE users SET connected = 1 WHERE id = ?').run(id)

        await expect(startTestServer({}, dataDir)).rejects.toThrow(`DATA_DIR ${dataDir} is in use by another server (pid ${process.pid}): two servers on the same data would take each other's WhatsApp logins; stop the other server, or give this one its own DATA_DIR`)

        expect((await first.api('GET', '/webhook', { token })).status).toBe(200)
        expect(first.db.prepare('SELECT connected FROM users WHERE id = ?').get(id)).toEqual({ connected: 1 })
      } finally {
        await first.stop({ keepData: true })
      }
      const next = await startTestServer({}, dataDir)
      await next.stop({ keepData: true })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
