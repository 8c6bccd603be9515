import { readFileSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { createUser, startTestServer, tempDataDir } from '../helpers/server.js'

describe('migrations', () => {
  it('apply once; a second start on the same data changes nothing and keeps the data', async () => {
    const dataDir = tempDataDir()
    try {
      const first = await startTestServer({}, dataDir)
      const migrated = first.logs.find(l => l.msg === 'database migrated')
      expect(migrated?.applied).toEqual(expect.arrayContaining(['0001_users.sql']))
      const { token } = await createUser(first.api, { name: 'survivor' })
      const before = first.db.prepare('SELECT id, name, applied_at FROM schema_migrations ORDER BY id').all()
      await first.stop({ keepData: true })

      const second = await startTestServer({}, dataDir)
      expect(second.logs.some(l => l.msg === 'database migrated')).toBe(false)
      expect(second.db.prepare('SELECT id, name, applied_at FROM schema_migrations ORDER BY id').all()).toEqual(before)
      expect((await second.api('GET', '/webhook', { token })).status).toBe(200)
      await second.stop({ keepData: true })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('runs SQLite in WAL mode with foreign keys on', async () => {
    const server = await startTestServer()
    try {
      expect(server.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(server.db.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      await server.stop()
    }
  })
})

describe('generated admin token', () => {
  it('is written to DATA_DIR/admin-token with mode 0600, works, is reused, and is never logged', async () => {
    const dataDir = tempDataDir()
    try {
      const first = await startTestServer({ ADMIN_TOKEN: '' }, dataDir)
      const file = path.join(dataDir, 'admin-token')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const token = readFileSync(file, 'utf8').trim()
      expect(token.length).toBeGreaterThanOrEqual(32)
      expect((await first.api('GET', '/admin/users', { admin: token })).status).toBe(200)
      expect(first.logs.some(l => l.file === file)).toBe(true)
      expect(first.logText()).not.toContain(token)
      await first.stop({ keepData: true })

      const second = await startTestServer({ ADMIN_TOKEN: '' }, dataDir)
      expect((await second.api('GET', '/admin/users', { admin: token })).status).toBe(200)
      await second.stop({ keepData: true })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
