import path from 'node:path'
import { loadSandboxConfig } from '../config.js'
import { configOrExit } from '../util/config-or-exit.js'
import { SandboxAdminApi } from './admin-api.js'
import { Sandbox } from './index.js'

/**
 * The WhatsApp emulator as its own process (`npm run sandbox`): the edge, the media host and its
 * admin API, with its world in DATA_DIR. Gateways use it with `WA_MODE=sandbox SANDBOX_URL=<admin URL>`.
 * Prints one JSON line with its URLs once listening.
 */
const config = configOrExit(loadSandboxConfig)
const sandbox = await Sandbox.start({ dataDir: path.join(config.dataDir, 'sandbox'), host: config.host, port: config.wsPort })
const api = new SandboxAdminApi(sandbox)
const port = await api.listen(config.port, config.host)
const url = `http://${config.host}:${port}`
process.stdout.write(JSON.stringify({ msg: 'sandbox listening', url, wsUrl: sandbox.wsUrl, mediaHost: sandbox.core.config.mediaHost, dataDir: config.dataDir }) + '\n')
process.stdout.write(`WhatsApp emulator: point gateways at it with WA_MODE=sandbox SANDBOX_URL=${url}\n`)

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  api.close()
    .then(async () => { await sandbox.stop() })
    .then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`sandbox stop failed: ${String(err)}\n`)
      process.exit(1)
    })
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
