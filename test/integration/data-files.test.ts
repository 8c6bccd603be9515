import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createUser, startTestServer, tempDataDir } from '../helpers/server.js'

const modeOf = (file: string): number => statSync(file).mode & 0o777

describe('data file modes', () => {
  it('creates DATA_DIR 0700 and keeps the database, its WAL and the secrets 0600', async () => {
    const parent = tempDataDir()
    const dataDir = path.join(parent, 'nested', 'data')
    try {
      const server = await startTestServer({}, dataDir)
      try {
        await createUser(server.api, { name: 'keys' })
        expect(modeOf(dataDir)).toBe(0o700)
        const files = readdirSync(dataDir).filter(f => f !== 'server.pid')
        expect(files).toEqual(expect.arrayContaining(['wuzapi.db', 'wuzapi.db-wal', 'wuzapi.db-shm', 'token-secret', 'server.lock']))
        for (const file of files) expect([file, modeOf(path.join(dataDir, file))]).toEqual([file, 0o600])
      } finally {
        await server.stop()
      }
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  })

  it('tightens an existing database left 0644 before SQLite opens it, so the new WAL is 0600 too', async () => {
    const dataDir = tempDataDir()
    try {
      const first = await startTestServer({}, dataDir)
      const { token } = await createUser(first.api)
      await first.stop({ keepData: true })
      const db = path.join(dataDir, 'wuzapi.db')
      chmodSync(db, 0o644)
      chmodSync(path.join(dataDir, 'token-secret'), 0o644)

      const second = await startTestServer({}, dataDir)
      try {
        expect((await second.api('GET', '/webhook', { token })).status).toBe(200)
        expect(modeOf(db)).toBe(0o600)
        expect(modeOf(db + '-wal')).toBe(0o600)
        expect(modeOf(path.join(dataDir, 'token-secret'))).toBe(0o600)
      } finally {
        await second.stop({ keepData: true })
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('start-up with unusable data files', () => {
  let dataDir: string
  beforeEach(() => { dataDir = tempDataDir() })
  afterEach(() => { rmSync(dataDir, { recursive: true, force: true }) })

  it('refuses a DATA_DIR that is a regular file', async () => {
    const file = path.join(dataDir, 'not-a-folder')
    writeFileSync(file, 'x')
    await expect(startTestServer({}, file)).rejects.toThrow(`DATA_DIR ${file} is not a folder: point DATA_DIR at a folder (it is created if missing)`)
  })

  it('refuses a DATA_DIR that cannot be created', async () => {
    writeFileSync(path.join(dataDir, 'file'), 'x')
    const below = path.join(dataDir, 'file', 'data')
    await expect(startTestServer({}, below)).rejects.toThrow(`DATA_DIR ${below} cannot be used: a part of its path is a file, not a folder; fix the path's owner or mode, or point DATA_DIR elsewhere`)
  })

  it('refuses a database path that is a folder, and starts once it is moved away', async () => {
    const db = path.join(dataDir, 'wuzapi.db')
    mkdirSync(db)
    await expect(startTestServer({}, dataDir)).rejects.toThrow(`database ${db} is not a regular file: move it away so the server can create the file`)
    rmSync(db, { recursive: true })
    const server = await startTestServer({}, dataDir)
    await server.stop({ keepData: true })
  })

  it('refuses a corrupt database file, and releases DATA_DIR for the next start', async () => {
    const db = path.join(dataDir, 'wuzapi.db')
    writeFileSync(db, Buffer.alloc(8192, 'garbage!'))
    await expect(startTestServer({}, dataDir)).rejects.toThrow(`database ${db} is not a SQLite database (file is corrupt or not ours): restore it from a backup or move it away to start fresh`)
    rmSync(db)
    const server = await startTestServer({}, dataDir)
    await server.stop({ keepData: true })
  })
})
