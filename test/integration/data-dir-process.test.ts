import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/util/package-info.js'
import { startTestServer, tempDataDir } from '../helpers/server.js'

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')

/** Mode bits do not stop root, so as root the child runs as `nobody` and the files stay root's. */
const AS_ROOT = process.getuid?.() === 0
const NOBODY = 65534

/**
 * Whether the other user can load the program at all: a checkout inside a folder only root may
 * enter (a fresh clone in a 0700 temp folder) cannot be run as `nobody`. A bad setting makes the
 * server exit with one configuration line right after every module loaded, so that line proves it.
 */
const OTHER_USER_CAN_RUN = !AS_ROOT || spawnSync(process.execPath, [MAIN], {
  env: { PATH: process.env.PATH ?? '', PORT: 'eighty' },
  uid: NOBODY,
  gid: NOBODY,
  encoding: 'utf8'
}).stderr.startsWith('configuration error: PORT')

/** Runs the built server (`npm test` builds it first), as `nobody` when asked and we are root. */
function run (env: Record<string, string>, opts: { otherUser?: boolean } = {}) {
  const ids = opts.otherUser === true && AS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'data-dir-test-admin-token', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...ids
  })
  let stdout = ''
  child.stdout.on('data', d => { stdout += String(d) })
  child.stderr.on('data', d => { stdout += String(d) })
  return { child, out: () => stdout }
}

async function waitFor (check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Runs a server that must refuse to start; returns its exit code and the one line it wrote. */
async function refusal (env: Record<string, string>, opts: { otherUser?: boolean } = {}): Promise<{ code: number, lines: Array<Record<string, unknown>> }> {
  const proc = run(env, opts)
  const [code] = await once(proc.child, 'exit') as [number]
  const lines = proc.out().split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>)
  return { code, lines }
}

describe('the DATA_DIR lock between processes', () => {
  let dataDir: string
  beforeEach(() => { dataDir = tempDataDir() })
  afterEach(() => { rmSync(dataDir, { recursive: true, force: true }) })

  it('a server process refuses a DATA_DIR in use, with one clear line and exit code 1', async () => {
    const holder = await startTestServer({}, dataDir)
    try {
      const { code, lines } = await refusal({ DATA_DIR: dataDir })
      expect(code).toBe(1)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatchObject({ level: 60, msg: expect.stringContaining(`DATA_DIR ${dataDir} is in use by another server (pid ${process.pid})`) })
      expect((await holder.api('GET', '/health')).status).toBe(200)
    } finally {
      await holder.stop({ keepData: true })
    }
  })

  it('a SIGKILLed server leaves no lock behind', async () => {
    const proc = run({ DATA_DIR: dataDir })
    try {
      await waitFor(() => proc.out().includes('server listening'))
      proc.child.kill('SIGKILL')
      await once(proc.child, 'exit')
    } finally {
      proc.child.kill('SIGKILL')
    }
    const next = await startTestServer({}, dataDir)
    await next.stop({ keepData: true })
  })
})

// Mode bits only stop another user; as root that is `nobody`, who must be able to run the checkout.
const describeAsOtherUser = OTHER_USER_CAN_RUN ? describe : describe.skip

describeAsOtherUser('start-up with files this user cannot write', () => {
  let parent: string
  beforeEach(() => {
    parent = tempDataDir()
    chmodSync(parent, 0o755)
  })
  afterEach(() => {
    chmodSync(parent, 0o700)
    rmSync(parent, { recursive: true, force: true })
  })

  it('refuses an unwritable DATA_DIR with one clear line', async () => {
    const dataDir = path.join(parent, 'data')
    mkdirSync(dataDir, { mode: 0o755 })
    if (!AS_ROOT) chmodSync(dataDir, 0o555)
    const { code, lines } = await refusal({ DATA_DIR: dataDir }, { otherUser: true })
    chmodSync(dataDir, 0o755)
    expect(code).toBe(1)
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg: `DATA_DIR ${dataDir} is not writable by this user: fix its owner or mode, or point DATA_DIR elsewhere` })])
  })

  it('refuses an unwritable database file with one clear line', async () => {
    const dataDir = path.join(parent, 'data')
    mkdirSync(dataDir, { mode: 0o700 })
    const db = path.join(dataDir, 'wuzapi.db')
    writeFileSync(db, '', { mode: 0o444 })
    if (AS_ROOT) chownSync(dataDir, NOBODY, NOBODY)
    const { code, lines } = await refusal({ DATA_DIR: dataDir }, { otherUser: true })
    expect(code).toBe(1)
    expect(lines).toEqual([expect.objectContaining({ level: 60, msg: `database ${db} is not writable by this user: fix its owner or mode (chmod 600), or run the server as its owner` })])
  })
})
