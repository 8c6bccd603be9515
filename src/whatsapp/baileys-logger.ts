import type { UserFacingSocketConfig } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'

type ILogger = NonNullable<UserFacingSocketConfig['logger']>

/**
 * Baileys logs every `<stream:error>` at error level, including the 515 "restart required" that
 * WhatsApp sends after every successful pairing: that one is normal and is logged at info.
 */
function isPairingRestart (obj: unknown, msg: unknown): boolean {
  if (msg !== 'stream errored out' || typeof obj !== 'object' || obj === null) return false
  const node = (obj as { fullErrorNode?: { attrs?: { code?: unknown } } }).fullErrorNode
  return node?.attrs?.code === '515'
}

/** The logger handed to Baileys: ours (pino), with the normal 515 restart kept out of the error level. */
export class BaileysLogger implements ILogger {
  constructor (private readonly inner: Logger) {}

  get level (): string { return this.inner.level }

  child (obj: Record<string, unknown>): BaileysLogger { return new BaileysLogger(this.inner.child(obj)) }
  trace (obj: unknown, msg?: string): void { this.inner.trace(obj, msg) }
  debug (obj: unknown, msg?: string): void { this.inner.debug(obj, msg) }
  info (obj: unknown, msg?: string): void { this.inner.info(obj, msg) }
  warn (obj: unknown, msg?: string): void { this.inner.warn(obj, msg) }
  error (obj: unknown, msg?: string): void {
    if (isPairingRestart(obj, msg)) this.inner.info(obj, msg)
    else this.inner.error(obj, msg)
  }
}
