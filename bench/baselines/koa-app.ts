import Router from '@koa/router'
import Database from 'better-sqlite3'
import Koa from 'koa'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * Baseline: the least a Koa app with a SQLite token lookup does for an authenticated cheap route:
 * @koa/router, one prepared SELECT by token (WAL file database, as ours), a JSON envelope.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'wuzapi-bench-koa-'))
const db = new Database(path.join(dir, 'users.db'))
db.pragma('journal_mode = WAL')
db.exec('CREATE TABLE users (id TEXT PRIMARY KEY, token TEXT UNIQUE NOT NULL, jid TEXT NOT NULL)')
db.prepare('INSERT INTO users VALUES (?, ?, ?)').run('u1', process.env.BENCH_TOKEN ?? 'token', '5491100000001@s.whatsapp.net')
const byToken = db.prepare<[string], { id: string, jid: string }>('SELECT id, jid FROM users WHERE token = ?')

const app = new Koa()
const router = new Router()
router.get('/session/status', ctx => {
  const user = byToken.get(ctx.get('token'))
  if (user === undefined) {
    ctx.status = 401
    ctx.body = { code: 401, error: 'unauthorized', success: false }
    return
  }
  ctx.body = { code: 200, data: { Connected: true, LoggedIn: true, jid: user.jid }, success: true }
})
app.use(router.routes())
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`)
})
process.on('SIGTERM', () => {
  server.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
})
