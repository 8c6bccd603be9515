import { loadConfig } from './config.js'
import { DataDirLockError } from './db/data-dir-lock.js'
import { DataFileError } from './db/data-files.js'
import { startServer } from './server.js'
import { configOrExit } from './util/config-or-exit.js'
import { createLogger } from './util/logger.js'

const config = configOrExit(loadConfig)
const logger = createLogger(config.logLevel)
// A promise nobody awaited failed: log it and keep serving (Node would otherwise exit).
process.on('unhandledRejection', err => { logger.error({ err }, 'unhandled promise rejection') })
try {
  const server = await startServer(config, logger)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    server.close().then(() => process.exit(0), err => {
      logger.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
} catch (err) {
  // These messages already name the file and the fix; a stack trace would only bury them.
  if (err instanceof DataFileError || err instanceof DataDirLockError) logger.fatal(err.message)
  else logger.fatal({ err }, 'server failed to start')
  process.exit(1)
}
