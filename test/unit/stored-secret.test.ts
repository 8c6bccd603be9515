import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pino } from 'pino'
import { DataFileError } from '../../src/db/data-files.js'
import { resolveStoredSecret } from '../../src/services/stored-secret.js'
import { tempDataDir } from '../helpers/server.js'

const spec = { envName: 'SOME_SECRET', file: 'some-secret', minLength: 32 }
const logger = pino({ level: 'silent' })

describe('resolveStoredSecret', () => {
  let dataDir: string
  beforeEach(() => { dataDir = tempDataDir() })
  afterEach(() => { rmSync(dataDir, { recursive: true, force: true }) })

  it('prefers the configured value and then writes no file', () => {
    expect(resolveStoredSecret(spec, 'configured', dataDir, logger)).toBe('configured')
    expect(() => statSync(path.join(dataDir, spec.file))).toThrow()
  })

  it('generates a secret into a 0600 file once and reads it back afterwards', () => {
    const secret = resolveStoredSecret(spec, undefined, dataDir, logger)
    const file = path.join(dataDir, spec.file)
    expect(secret.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(file, 'utf8').trim()).toBe(secret)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(resolveStoredSecret(spec, undefined, dataDir, logger)).toBe(secret)
  })

  it('refuses a stored value that is too short instead of silently replacing it', () => {
    const file = path.join(dataDir, spec.file)
    writeFileSync(file, 'too-short\n')
    expect(() => resolveStoredSecret(spec, undefined, dataDir, logger)).toThrow(DataFileError)
    expect(() => resolveStoredSecret(spec, undefined, dataDir, logger)).toThrow(`SOME_SECRET file ${file} holds fewer than 32 characters: restore it from a backup, put a value of at least 32 characters in it, or set SOME_SECRET`)
    expect(readFileSync(file, 'utf8')).toBe('too-short\n')
  })
})
