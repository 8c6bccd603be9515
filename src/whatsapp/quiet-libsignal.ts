import type { Logger } from '../util/logger.js'

/** libsignal's console messages; some print whole session records (key material) to stdout. */
const LIBSIGNAL_PREFIXES = [
  'Closing session', 'Opening session', 'Removing old closed session', 'Session already closed', 'Session already open',
  'Migrating session to', 'Closing open session in favor of incoming prekey bundle', 'Decrypted message with closed session',
  'Failed to decrypt message with any known session', 'Session error:', 'Unhandled bucket type'
]

let installed = false

/**
 * Keeps libsignal's console output (which includes private key material, Baileys issues #2098/#888)
 * out of stdout: those lines go to the logger at debug level, without their arguments.
 */
export function silenceLibsignalConsole (logger: Logger): void {
  if (installed) return
  installed = true
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console)
    console[method] = (...args: unknown[]) => {
      const first = args[0]
      const prefix = typeof first === 'string' ? LIBSIGNAL_PREFIXES.find(p => first.startsWith(p)) : undefined
      if (prefix !== undefined) logger.debug({ source: 'libsignal' }, prefix)
      else original(...args)
    }
  }
}
