import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/util/package-info.js'
import { tempDataDir } from '../helpers/server.js'

const MAIN = path.join(PROJECT_ROOT, 'dist', 'src', 'main.js')

/** Runs the built server (`npm test` builds it first) with the given environment. */
function run (env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', d => { stdout += String(d) })
  child.stderr.on('data', d => { stderr += String(d) })
  return { child, out: () => stdout, err: () => stderr }
}

async function waitFor (check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('the server process', () => {
  it('refuses to start on an invalid setting with one clear line and exit code 1', async () => {
    const proc = run({ PORT: 'eighty', DATA_DIR: tempDataDir() })
    const [code] = await once(proc.child, 'exit')
    expect(code).toBe(1)
    expect(proc.err().trim()).toBe('configuration error: PORT must be a whole number between 0 and 65535, got "eighty"')
  })

  it('serves /health and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir()
    const proc = run({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'process-test-admin-token' })
    try {
      await waitFor(() => proc.out().includes('server listening'))
      const line = proc.out().split('\n').find(l => l.includes('server listening')) ?? ''
      const url = (JSON.parse(line) as { url: string }).url
      const res = await fetch(url + '/health')
      expect(res.status).toBe(200)
      proc.child.kill('SIGTERM')
      const [code] = await once(proc.child, 'exit')
      expect(code).toBe(0)
      expect(proc.out()).toContain('server stopped')
      expect(proc.out()).not.toContain('process-test-admin-token')
    } finally {
      proc.child.kill('SIGKILL')
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
