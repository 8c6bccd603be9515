import { rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { Curve, proto, type SignalDataSet } from '@whiskeysockets/baileys'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { UsersRepo } from '../../src/db/repos/users.js'
import { WaAuthRepo } from '../../src/db/repos/wa-auth.js'
import { useSqliteAuthState } from '../../src/whatsapp/auth-state.js'
import { tempDataDir } from '../helpers/server.js'

let dir: string
let db: Database
let repo: WaAuthRepo

function addUser (id: string): void {
  new UsersRepo(db).insert({ id, name: id, token_hash: `hash-${id}`, token_hint: '', webhook: '', events: '', expiration: 0, proxy_url: '', history: 0 })
}

beforeEach(() => {
  dir = tempDataDir()
  db = openDatabase(dir)
  migrate(db)
  repo = new WaAuthRepo(db)
  addUser('u1')
  addUser('u2')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const sample = (): SignalDataSet => ({
  'pre-key': { 1: Curve.generateKeyPair() },
  session: { '5511999990000.0': randomBytes(64) },
  'sender-key': { '123@g.us::5511999990000::0': randomBytes(32) },
  'sender-key-memory': { '123@g.us': { '5511999990000:0@s.whatsapp.net': true } },
  'app-state-sync-key': { AAAAAQ: proto.Message.AppStateSyncKeyData.fromObject({ keyData: randomBytes(32), timestamp: 1700000000 }) },
  'app-state-sync-version': { regular: { version: 3, hash: Buffer.alloc(128, 7), indexValueMap: { abc: { valueMac: new Uint8Array([1, 2, 3]) } } } },
  'lid-mapping': { 5511999990000: '987654321098765', '987654321098765_reverse': '5511999990000' },
  'device-list': { 5511999990000: ['0', '7'] },
  tctoken: { '5511999990000@s.whatsapp.net': { token: Buffer.from('tok'), timestamp: '1700000000' } },
  'identity-key': { '5511999990000.0': randomBytes(33) }
})

describe('SQLite auth state', () => {
  it('round-trips all ten Signal key types', async () => {
    const { state } = useSqliteAuthState(repo, 'u1')
    const data = sample()
    await state.keys.set(data)
    const fresh = useSqliteAuthState(repo, 'u1').state
    for (const [type, entries] of Object.entries(data)) {
      const ids = Object.keys(entries ?? {})
      const got = await fresh.keys.get(type as keyof SignalDataSet, ids)
      expect(Object.keys(got).sort()).toEqual(ids.sort())
      for (const id of ids) {
        const expected = (entries as Record<string, unknown>)[id]
        const actual = (got as Record<string, unknown>)[id]
        if (type === 'app-state-sync-key') {
          expect(actual).toBeInstanceOf(proto.Message.AppStateSyncKeyData)
          expect(Buffer.from((actual as proto.Message.IAppStateSyncKeyData).keyData!)).toEqual(Buffer.from((expected as proto.Message.IAppStateSyncKeyData).keyData!))
        } else {
          expect(JSON.parse(JSON.stringify(actual, replacerBytes))).toEqual(JSON.parse(JSON.stringify(expected, replacerBytes)))
        }
      }
    }
  })

  it('deletes keys set to null and keeps users apart', async () => {
    const a = useSqliteAuthState(repo, 'u1').state
    const b = useSqliteAuthState(repo, 'u2').state
    await a.keys.set({ session: { x: randomBytes(8), y: randomBytes(8) } })
    await b.keys.set({ session: { x: randomBytes(8) } })
    await a.keys.set({ session: { x: null } })
    expect(Object.keys(await a.keys.get('session', ['x', 'y']))).toEqual(['y'])
    expect(Object.keys(await b.keys.get('session', ['x', 'y']))).toEqual(['x'])
  })

  it('writes one key commit atomically', async () => {
    const { state } = useSqliteAuthState(repo, 'u1')
    const bad = { session: { good: randomBytes(8) }, 'pre-key': { 1: { toJSON () { throw new Error('boom') } } } } as unknown as SignalDataSet
    await expect(state.keys.set(bad)).rejects.toThrow('boom')
    expect(await state.keys.get('session', ['good'])).toEqual({})
  })

  it('persists credentials, knows a paired login, and wipes everything on logout', async () => {
    const auth = useSqliteAuthState(repo, 'u1')
    expect(auth.hasLogin()).toBe(false)
    const noiseKey = auth.state.creds.noiseKey
    auth.state.creds.me = { id: '5511999990000:7@s.whatsapp.net', name: 'Alice' }
    auth.state.creds.account = proto.ADVSignedDeviceIdentity.fromObject({ details: randomBytes(8) })
    auth.saveCreds()
    await auth.state.keys.set({ session: { s: randomBytes(8) } })

    const again = useSqliteAuthState(repo, 'u1')
    expect(again.hasLogin()).toBe(true)
    expect(Buffer.from(again.state.creds.noiseKey.private)).toEqual(Buffer.from(noiseKey.private))
    expect(again.state.creds.me?.name).toBe('Alice')

    again.wipe()
    expect(again.hasLogin()).toBe(false)
    expect(repo.readCreds('u1')).toBeUndefined()
    expect(await again.state.keys.get('session', ['s'])).toEqual({})
  })

  it('is deleted with its user', async () => {
    const auth = useSqliteAuthState(repo, 'u1')
    auth.saveCreds()
    await auth.state.keys.set({ session: { s: randomBytes(8) } })
    new UsersRepo(db).delete('u1')
    expect(repo.readCreds('u1')).toBeUndefined()
    expect(db.prepare('SELECT COUNT(*) AS n FROM wa_keys').get()).toEqual({ n: 0 })
  })

  it('keeps sent messages for retries and forgets the old ones', () => {
    repo.saveSentMessage('u1', 'OLD', '1@s.whatsapp.net', Buffer.from('old'))
    repo.saveSentMessage('u1', 'NEW', '1@s.whatsapp.net', Buffer.from('new'))
    db.prepare("UPDATE wa_sent_messages SET created_at = ? WHERE id = 'OLD'").run(Date.now() - 4 * 86_400_000)
    expect(repo.pruneSentMessages(3 * 86_400_000)).toBe(1)
    expect(repo.sentMessage('u1', 'OLD')).toBeUndefined()
    expect(repo.sentMessage('u1', 'NEW')?.toString()).toBe('new')
    expect(repo.sentMessage('u2', 'NEW')).toBeUndefined()
  })
})

function replacerBytes (_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (value !== null && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64')
  }
  return value
}
