import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ensureDataDir, ensurePrivateFile, DataFileError } from '../db/data-files.js'
import type { Logger } from '../util/logger.js'
import { newToken } from '../util/ids.js'

/** Which secret, where it is kept, and how it is described in logs and errors. */
export interface StoredSecretSpec {
  /** The environment variable that overrides the file, for messages. */
  readonly envName: string
  /** File name inside DATA_DIR. */
  readonly file: string
  readonly minLength: number
  /** What losing or changing the secret breaks, appended to the "generated" log line. */
  readonly note?: string
}

/**
 * A server secret: the configured value, else the one stored in DATA_DIR/<file>, else a new random
 * one written there with mode 0600. A stored value that is too short stops the start instead of
 * being replaced, since replacing a secret silently breaks whatever it protects. Only the file's
 * location is logged, never the secret.
 */
export function resolveStoredSecret (spec: StoredSecretSpec, configured: string | undefined, dataDir: string, logger: Logger): string {
  if (configured !== undefined) return configured
  const file = path.join(dataDir, spec.file)
  if (existsSync(file)) {
    ensurePrivateFile(file, `${spec.envName} file`)
    const stored = readFileSync(file, 'utf8').trim()
    if (stored.length < spec.minLength) {
      throw new DataFileError(file, `${spec.envName} file ${file} holds fewer than ${spec.minLength} characters: restore it from a backup, put a value of at least ${spec.minLength} characters in it, or set ${spec.envName}`)
    }
    logger.info({ file }, `${spec.envName} not set: using the value stored in this file`)
    return stored
  }
  ensureDataDir(dataDir)
  const secret = newToken()
  ensurePrivateFile(file, `${spec.envName} file`)
  writeFileSync(file, secret + '\n')
  logger.warn({ file }, `${spec.envName} not set: generated one and stored it in this file (mode 0600)${spec.note === undefined ? '' : `; ${spec.note}`}`)
  return secret
}
