import { createHash, createHmac } from 'node:crypto'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../../src/db/database.js'
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js'
import { createUser, startTestServer, tempDataDir } from '../helpers/server.js'

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex')
const hmac = (secret: string, token: string): string => createHmac('sha256', secret).update(token).digest('hex')

/** A data folder as an older version left it: migrations up to 0002, a token stored as plain SHA-256. */
function dataWithLegacyUser (token: string): { dataDir: string, id: string } {
  const dataDir = tempDataDir()
  const oldMigrations = mkdtempSync(path.join(tmpdir(), 'wuzapi-old-migrations-'))
  for (const file of ['0001_users.sql', '0002_whatsapp_auth.sql']) copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(oldMigrations, file))
  const db = openDatabase(dataDir)
  migrate(db, oldMigrations)
  db.prepare("INSERT INTO users (id, name, token_hash, token_hint, created_at, updated_at) VALUES ('legacy', 'old', ?, '', 1, 1)").run(sha256(token))
  db.close()
  rmSync(oldMigrations, { recursive: true })
  return { dataDir, id: 'legacy' }
}

describe('user token hashes', () => {
  it('are HMAC-SHA256 under the generated DATA_DIR/token-secret (0600), not the plain SHA-256 of the token', async () => {
    const server = await startTestServer()
    try {
      const { id, token } = await createUser(server.api)
      const secretFile = path.join(server.dataDir, 'token-secret')
      expect(statSync(secretFile).mode & 0o777).toBe(0o600)
      const secret = readFileSync(secretFile, 'utf8').trim()
      expect(secret.length).toBeGreaterThanOrEqual(32)
      expect(server.logText()).not.toContain(secret)
      const row = server.db.prepare('SELECT token_hash, token_hash_kind FROM users WHERE id = ?').get(id)
      expect(row).toEqual({ token_hash: hmac(secret, token), token_hash_kind: 'hmac-sha256' })
      expect(JSON.stringify(row)).not.toContain(sha256(token))
    } finally {
      await server.stop()
    }
  })

  it('use TOKEN_SECRET when set, and then no token-secret file is written', async () => {
    const secret = 'a-token-secret-of-at-least-32-characters'
    const server = await startTestServer({ TOKEN_SECRET: secret })
    try {
      const { id, token } = await createUser(server.api)
      expect(server.db.prepare('SELECT token_hash FROM users WHERE id = ?').get(id)).toEqual({ token_hash: hmac(secret, token) })
      expect(existsSync(path.join(server.dataDir, 'token-secret'))).toBe(false)
      expect((await server.api('GET', '/webhook', { token })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })

  it('stored the old way (plain SHA-256) still authenticate once, are then rewritten in HMAC form, and keep working', async () => {
    const token = 'legacy-user-token-0001'
    const { dataDir, id } = dataWithLegacyUser(token)
    try {
      const first = await startTestServer({}, dataDir)
      try {
        expect(first.db.prepare('SELECT token_hash_kind FROM users WHERE id = ?').get(id)).toEqual({ token_hash_kind: 'sha256' })
        expect((await first.api('GET', '/webhook', { token: 'wrong-token-0001' })).status).toBe(401)
        expect(first.db.prepare('SELECT token_hash FROM users WHERE id = ?').get(id)).toEqual({ token_hash: sha256(token) })

        expect((await first.api('GET', '/webhook', { token })).status).toBe(200)
        const secret = readFileSync(path.join(dataDir, 'token-secret'), 'utf8').trim()
        expect(first.db.prepare('SELECT token_hash, token_hash_kind FROM users WHERE id = ?').get(id)).toEqual({ token_hash: hmac(secret, token), token_hash_kind: 'hmac-sha256' })
      } finally {
        await first.stop({ keepData: true })
      }
      const second = await startTestServer({}, dataDir)
      try {
        expect((await second.api('GET', '/webhook', { token })).status).toBe(200)
      } finally {
        await second.stop({ keepData: true })
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('count as taken in either form: a new user cannot reuse a token still stored the old way', async () => {
    const token = 'legacy-user-token-0002'
    const { dataDir } = dataWithLegacyUser(token)
    const server = await startTestServer({}, dataDir)
    try {
      const created = await server.api('POST', '/admin/users', { admin: true, json: { name: 'copycat', token } })
      expect(created.body).toEqual({ code: 409, error: 'user with this token already exists', success: false, reason: 'conflict' })
      const other = await createUser(server.api, { name: 'other' })
      const updated = await server.api('PUT', `/admin/users/${other.id}`, { admin: true, json: { token } })
      expect(updated.body).toEqual({ code: 409, error: 'user with this token already exists', success: false, reason: 'conflict' })
    } finally {
      await server.stop()
    }
  })
})

describe('token hints', () => {
  it('are not stored or shown for tokens under 16 characters; longer ones show their last four', async () => {
    const server = await startTestServer()
    try {
      const short = await createUser(server.api, { name: 'short', token: 'short-tok-15chr' })
      const long = await createUser(server.api, { name: 'long', token: 'long-token-16chr' })
      const hints = server.db.prepare('SELECT id, token_hint FROM users ORDER BY name').all()
      expect(hints).toEqual([{ id: long.id, token_hint: '6chr' }, { id: short.id, token_hint: '' }])
      const listed = (await server.api('GET', '/admin/users', { admin: true })).body.data as Array<{ id: string, token: string }>
      expect(listed.find(u => u.id === short.id)?.token).toBe('')
      expect(listed.find(u => u.id === long.id)?.token).toBe('***6chr')

      await server.api('PUT', `/admin/users/${long.id}`, { admin: true, json: { token: 'now-short-token' } })
      expect((await server.api('GET', `/admin/users/${long.id}`, { admin: true })).body.data[0].token).toBe('')
    } finally {
      await server.stop()
    }
  })
})
