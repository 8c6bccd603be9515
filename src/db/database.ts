import { mkdirSync } from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

export type Database = BetterSqlite3.Database

/** The SQLite file name inside DATA_DIR (kept from wuzapi's naming for operators who look for it). */
export const DB_FILE = 'wuzapi.db'

/** Opens (creating the folder and file if needed) the server database with WAL, foreign keys and a busy timeout. */
export function openDatabase (dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true })
  const db = new BetterSqlite3(path.join(dataDir, DB_FILE))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  return db
}

/** True when the database answers a trivial query. */
export function databaseOk (db: Database): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined
  } catch {
    return false
  }
}
