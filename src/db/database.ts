import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { DataFileError, ensureDataDir, ensurePrivateFile } from './data-files.js'

export type Database = BetterSqlite3.Database

/** The SQLite file name inside DATA_DIR (kept from wuzapi's naming for operators who look for it). */
export const DB_FILE = 'wuzapi.db'

/** SQLite's companions of the main file; the WAL holds recent writes, Noise and Signal keys included. */
const SIDE_FILES = ['-wal', '-shm', '-journal']

/** Turns SQLite's codes for a file it cannot use into a message naming the file and the way out. */
function openError (file: string, err: unknown): Error {
  const code = (err as { code?: string }).code
  if (code === 'SQLITE_NOTADB') {
    return new DataFileError(file, `database ${file} is not a SQLite database (file is corrupt or not ours): restore it from a backup or move it away to start fresh`)
  }
  if (code === 'SQLITE_CORRUPT') {
    return new DataFileError(file, `database ${file} is corrupt: restore it from a backup, or move it (and its -wal and -shm files) away to start fresh`)
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new DataFileError(file, `database ${file} cannot be opened for writing (${code}): fix the owner or mode of the file and its -wal and -shm files, or point DATA_DIR elsewhere`)
  }
  return err as Error
}

/**
 * Opens (creating the folder and file if needed) the server database with WAL, foreign keys and a
 * busy timeout. The database and its side files are kept 0600: they hold the WhatsApp keys.
 * Throws {@link DataFileError} when the folder or file cannot be used.
 */
export function openDatabase (dataDir: string): Database {
  ensureDataDir(dataDir)
  const file = path.join(dataDir, DB_FILE)
  ensurePrivateFile(file, 'database')
  for (const suffix of SIDE_FILES) ensurePrivateFile(file + suffix, 'database file', { create: false })
  let db: Database | undefined
  try {
    db = new BetterSqlite3(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    // The pragmas above may not read a page; this does, so a garbage file fails here and not mid-migration.
    db.prepare('SELECT COUNT(*) FROM sqlite_master').get()
    return db
  } catch (err) {
    db?.close()
    throw openError(file, err)
  }
}

/** True when the database answers a trivial query. */
export function databaseOk (db: Database): boolean {
  try {
    return db.prepare('SELECT 1 AS ok').get() !== undefined
  } catch {
    return false
  }
}
