import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { ensureDataDir, ensurePrivateFile } from './data-files.js'

/** The lock file: a tiny SQLite database whose exclusive lock marks DATA_DIR as in use. */
export const LOCK_FILE = 'server.lock'
/** The pid of the lock's holder, for the message a second server prints. */
export const LOCK_PID_FILE = 'server.pid'

/** Another server (process, or server in this process) already uses this DATA_DIR. */
export class DataDirLockError extends Error {
  constructor (readonly dataDir: string, readonly holderPid: number | undefined) {
    const holder = holderPid === undefined ? 'another server' : `another server (pid ${holderPid})`
    super(`DATA_DIR ${dataDir} is in use by ${holder}: two servers on the same data would take each other's WhatsApp logins; stop the other server, or give this one its own DATA_DIR`)
    this.name = 'DataDirLockError'
  }
}

/** A held DATA_DIR lock. */
export interface DataDirLock {
  /** Lets the next server start on this DATA_DIR. Safe to call twice. */
  release (): void
}

function readPid (file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/**
 * Takes the exclusive lock on DATA_DIR for as long as this server runs, or throws
 * {@link DataDirLockError} at once when another server holds it.
 *
 * The lock is SQLite's own: an exclusive transaction on `server.lock` in exclusive locking mode,
 * kept open. The operating system drops it when the process dies, even by SIGKILL, so a crash never
 * leaves a stale lock; and SQLite coordinates connections inside one process, so two servers
 * started in the same process (as the tests do) exclude each other too. A plain lock file with a
 * pid could do neither reliably.
 */
export function acquireDataDirLock (dataDir: string): DataDirLock {
  ensureDataDir(dataDir)
  const file = path.join(dataDir, LOCK_FILE)
  const pidFile = path.join(dataDir, LOCK_PID_FILE)
  ensurePrivateFile(file, 'lock file')
  const db = new BetterSqlite3(file, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.exec('BEGIN EXCLUSIVE')
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLockError(dataDir, readPid(pidFile))
    throw err
  }
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 })
  let held = true
  return {
    release () {
      if (!held) return
      held = false
      // The pid goes first, so it never names a server that has already let go.
      rmSync(pidFile, { force: true })
      db.exec('ROLLBACK')
      db.close()
    }
  }
}
