import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Database } from './database.js'
import { PROJECT_ROOT } from '../util/package-info.js'

/** Default location of the `NNNN_name.sql` files. */
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations')

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/

export interface MigrationResult {
  /** Names of the migrations applied by this run, in order (empty on an up-to-date database). */
  readonly applied: string[]
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in file order, each in its own
 * transaction together with its row. A run on an up-to-date database changes nothing.
 */
export function migrate (db: Database, dir: string = MIGRATIONS_DIR): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`)
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: number }>).map(r => r.id))
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
  const applied: string[] = []
  for (const file of readdirSync(dir).sort()) {
    const match = FILE_PATTERN.exec(file)
    if (!match) continue
    const id = Number(match[1])
    if (done.has(id)) continue
    const sql = readFileSync(path.join(dir, file), 'utf8')
    db.transaction(() => {
      db.exec(sql)
      record.run(id, file, Date.now())
    })()
    applied.push(file)
  }
  return { applied }
}
