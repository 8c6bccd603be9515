import { ConfigError } from '../config.js'

/** Loads a process's settings; an invalid one ends the process with one clear line and exit code 1. */
export function configOrExit<T> (load: () => T): T {
  try {
    return load()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`)
      process.exit(1)
    }
    throw err
  }
}
