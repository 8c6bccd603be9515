import { accessSync, chmodSync, closeSync, constants, mkdirSync, openSync, statSync, type Stats } from 'node:fs'

/**
 * A file or folder in DATA_DIR the server cannot use. The message names the path and what to do,
 * so the operator can act on the one log line the server writes before it exits.
 */
export class DataFileError extends Error {
  constructor (readonly file: string, message: string) {
    super(message)
    this.name = 'DataFileError'
  }
}

function statOrUndefined (file: string): Stats | undefined {
  try {
    return statSync(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

function canWrite (file: string): boolean {
  try {
    accessSync(file, constants.R_OK | constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** chmod that tolerates files owned by another user (EPERM): their mode is the owner's call. */
function tighten (file: string, mode: number): void {
  try {
    chmodSync(file, mode)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err
  }
}

/**
 * Makes sure DATA_DIR is a folder this user can write. A folder we create gets mode 0700; an
 * existing one keeps its mode (it may be a mount point or shared on purpose): the files in it are
 * created 0600 instead.
 */
export function ensureDataDir (dataDir: string): void {
  let stats: Stats | undefined
  try {
    stats = statOrUndefined(dataDir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err)
    const why = code === 'ENOTDIR' ? 'a part of its path is a file, not a folder' : `it cannot be looked up (${code})`
    throw new DataFileError(dataDir, `DATA_DIR ${dataDir} cannot be used: ${why}; fix the path's owner or mode, or point DATA_DIR elsewhere`)
  }
  if (stats === undefined) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    } catch (err) {
      throw new DataFileError(dataDir, `DATA_DIR ${dataDir} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)}): create it yourself, or point DATA_DIR elsewhere`)
    }
    tighten(dataDir, 0o700)
    return
  }
  if (!stats.isDirectory()) {
    throw new DataFileError(dataDir, `DATA_DIR ${dataDir} is not a folder: point DATA_DIR at a folder (it is created if missing)`)
  }
  if (!canWrite(dataDir)) {
    throw new DataFileError(dataDir, `DATA_DIR ${dataDir} is not writable by this user: fix its owner or mode, or point DATA_DIR elsewhere`)
  }
}

/**
 * Prepares a private file (mode 0600) before SQLite or the server opens it: creates it empty if
 * missing (unless `create` is false), fixes the mode of an existing one, and refuses folders and files this user cannot write.
 * SQLite gives the `-wal` and `-shm` files the mode of the main file, so this must run before the open.
 */
export function ensurePrivateFile (file: string, what: string, opts: { create: boolean } = { create: true }): void {
  const stats = statOrUndefined(file)
  if (stats === undefined) {
    if (!opts.create) return
    closeSync(openSync(file, 'a', 0o600))
    tighten(file, 0o600)
    return
  }
  if (!stats.isFile()) {
    throw new DataFileError(file, `${what} ${file} is not a regular file: move it away so the server can create the file`)
  }
  if (!canWrite(file)) {
    throw new DataFileError(file, `${what} ${file} is not writable by this user: fix its owner or mode (chmod 600), or run the server as its owner`)
  }
  if ((stats.mode & 0o077) !== 0) tighten(file, 0o600)
}
