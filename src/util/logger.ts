import { pino, type Logger } from 'pino'
import type { LogLevel } from '../config.js'

export type { Logger }

/** Paths whose values never reach the log: credentials and media payloads. */
export const REDACT_PATHS = [
  'token', '*.token', 'adminToken', '*.adminToken',
  'authorization', '*.authorization', 'headers.token', 'headers.authorization',
  'req.headers.token', 'req.headers.authorization', 'req.headers.cookie',
  'hmacKey', '*.hmacKey', 'hmac_key', '*.hmac_key',
  'body', '*.body', '*.base64'
]

/** The process logger: JSON lines on stdout, secrets and media redacted. */
export function createLogger (level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } })
}
