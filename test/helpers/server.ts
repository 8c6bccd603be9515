import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { loadConfig } from '../../src/config.js'
import { startServer, type RunningServer } from '../../src/server.js'
import { REDACT_PATHS } from '../../src/util/logger.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export interface TestServer extends RunningServer {
  dataDir: string
  /** Every log line the server wrote, parsed. */
  logs: Array<Record<string, unknown>>
  /** Raw log text, to check that secrets never appear. */
  logText (): string
  api: Api
  /** Stops the server and removes its data folder (unless `keepData`). */
  stop (opts?: { keepData?: boolean }): Promise<void>
}

export interface ApiResponse<T = any> { status: number, body: T, headers: Headers }

export type Api = (method: string, urlPath: string, opts?: { token?: string, admin?: boolean | string, json?: unknown, body?: string, headers?: Record<string, string> }) => Promise<ApiResponse>

/** A new empty data folder under the OS temp dir. */
export function tempDataDir (): string {
  return mkdtempSync(path.join(tmpdir(), 'wuzapi-test-'))
}

/** Starts the real server on 127.0.0.1:0 with a temporary (or given) data folder and captured logs. */
export async function startTestServer (env: Record<string, string> = {}, dataDir: string = tempDataDir()): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN, LOG_LEVEL: 'info', ...env })
  const chunks: string[] = []
  const sink = new Writable({ write (chunk, _enc, cb) { chunks.push(String(chunk)); cb() } })
  const logger = pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink)
  const server = await startServer(config, logger)
  const api = makeApi(server.url)
  const logText = (): string => chunks.join('')
  return {
    ...server,
    dataDir,
    api,
    logText,
    get logs () { return logText().split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Record<string, unknown>) },
    async stop (opts = {}) {
      await server.close()
      if (opts.keepData !== true) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** A small HTTP client for the API: JSON in, parsed JSON (or text) out. */
export function makeApi (baseUrl: string): Api {
  return async (method, urlPath, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token !== undefined) headers.Token = opts.token
    if (opts.admin !== undefined && opts.admin !== false) headers.Authorization = opts.admin === true ? ADMIN_TOKEN : opts.admin
    let body = opts.body
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json)
      headers['Content-Type'] ??= 'application/json'
    }
    const res = await fetch(baseUrl + urlPath, { method, headers, body })
    const text = await res.text()
    let parsed: unknown = text
    try { parsed = JSON.parse(text) } catch {}
    return { status: res.status, body: parsed, headers: res.headers }
  }
}

/** Creates a user through the admin API and returns its id and clear token. */
export async function createUser (api: Api, fields: Record<string, unknown> = {}): Promise<{ id: string, token: string }> {
  const res = await api('POST', '/admin/users', { admin: true, json: { name: 'user', ...fields } })
  if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { id: res.body.data.id, token: res.body.data.token }
}
