import os from 'node:os'
import path from 'node:path'

/** How sessions reach WhatsApp: the real servers, or the embedded sandbox emulator. */
export type WaMode = 'live' | 'sandbox'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** The validated, frozen server configuration. Built only by {@link loadConfig}. */
export interface Config {
  readonly port: number
  readonly host: string
  /** Absolute path of the data folder (SQLite file, admin token file, media). */
  readonly dataDir: string
  /** Admin token from the environment; `undefined` means "generate one in DATA_DIR/admin-token". */
  readonly adminToken: string | undefined
  /** Key for hashing user tokens; `undefined` means "generate one in DATA_DIR/token-secret". */
  readonly tokenSecret: string | undefined
  readonly logLevel: LogLevel
  readonly waMode: WaMode
  /** Largest accepted request body, in bytes. */
  readonly bodyLimitBytes: number
  /** How long a graceful shutdown waits for in-flight requests, in milliseconds. */
  readonly shutdownTimeoutMs: number
  /** Log level of the WhatsApp library (Baileys). */
  readonly baileysLogLevel: LogLevel
  /** Baileys' IQ timeout in milliseconds. */
  readonly waQueryTimeoutMs: number
  /** How long `/session/connect` (without `Immediate`) waits for the login, in milliseconds. */
  readonly connectWaitMs: number
  /** Sandbox mode: a pairing code handed out by `/session/pairphone` is entered on the virtual phone by itself. */
  readonly sandboxAutoPair: boolean
  /** Sandbox mode: the admin URL of an emulator in another process (`npm run sandbox`); '' starts the embedded one. */
  readonly sandboxUrl: string
  /** Webhook (and media) URLs may point at loopback, private and other internal addresses. */
  readonly allowPrivateUrls: boolean
  /** Country calling code (digits) put in front of national numbers written with a leading 0; '' for none. */
  readonly defaultCountryCode: string
  /** Largest media file per kind, in bytes (`MEDIA_MAX_IMAGE`, ...). */
  readonly mediaLimits: Readonly<MediaLimitsConfig>
  /** Folder for media being taken in (uploads, downloads from URLs); removed after each send. */
  readonly mediaTempDir: string
  /** Time limit of downloading one media URL, in milliseconds. */
  readonly mediaFetchTimeoutMs: number
  /** Webhook delivery settings. */
  readonly webhooks: Readonly<WebhookConfig>
  /** `METRICS_TOKEN`: when set, `GET /metrics` needs `Authorization: Bearer <it>`. */
  readonly metricsToken: string | undefined
  /** Request limits and the large-media concurrency cap. */
  readonly limits: Readonly<LimitsConfig>
}

/** Request limits (`RATE_LIMIT_*`) and the cap on concurrent large media requests (`MEDIA_MAX_CONCURRENT`). */
export interface LimitsConfig {
  /** `RATE_LIMIT_PER_MINUTE`: requests per minute per token (0: no limit). */
  perMinute: number
  /** `RATE_LIMIT_ADMIN`: the admin token is limited too (it is exempt by default). */
  admin: boolean
  /** `MEDIA_MAX_CONCURRENT`: large media requests handled at once; more are answered 503. */
  mediaMaxConcurrent: number
  /** `MEDIA_LARGE_BYTES`: a media route's body counts as large from this size (multipart and unsized bodies always do). */
  mediaLargeBytes: number
}

/** Webhook delivery settings (`WEBHOOK_*`, and wuzapi's `WUZAPI_GLOBAL_*`). */
export interface WebhookConfig {
  /** `WUZAPI_GLOBAL_WEBHOOK`: receives every event of every user ('' for none). */
  globalUrl: string
  /** `WUZAPI_GLOBAL_HMAC_KEY`: signs the global webhook's requests (undefined: unsigned). */
  globalHmacKey: string | undefined
  /** `WUZAPI_GLOBAL_ENCRYPTION_KEY`: encrypts users' HMAC keys at rest (undefined: DATA_DIR/encryption-key). */
  encryptionKey: string | undefined
  /** `WEBHOOK_FORMAT`: the body format of users who did not choose one. */
  format: 'json' | 'form'
  timeoutMs: number
  retryBaseMs: number
  retryMaxDelayMs: number
  /** How long failed deliveries are retried before they are dead-lettered. */
  retryWindowMs: number
  /** Requests in flight per user and destination. */
  pipeline: number
  /** How long delivered and dead events are kept (for the deliveries list and the event stream). */
  retentionMs: number
  /** Largest media embedded in a Message webhook for users with `media_delivery: base64`. */
  mediaMaxBytes: number
}

/** Byte limits of the media kinds (kept here as plain fields so config.ts imports nothing). */
export interface MediaLimitsConfig { image: number, audio: number, video: number, sticker: number, document: number }

/** A configuration value that cannot be used; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const WA_MODES: readonly WaMode[] = ['live', 'sandbox']
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

type Env = Record<string, string | undefined>

function read (env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function integer (env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function oneOf<T extends string> (env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  const value = raw.toLowerCase() as T
  if (!allowed.includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
  return value
}

/** Parses sizes such as `1048576`, `512kb`, `50mb`, `1gb` into bytes. */
export function parseSize (name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(raw.trim())
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x']
  if (!match || unit === undefined) throw new ConfigError(`${name} must be a size such as 1048576, 512kb or 50mb, got "${raw}"`)
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes < 1024) throw new ConfigError(`${name} must be at least 1kb, got "${raw}"`)
  return bytes
}

function size (env: Env, name: string, fallback: number): number {
  const raw = read(env, name)
  return raw === undefined ? fallback : parseSize(name, raw)
}

const MB = 1024 ** 2

function mediaLimits (env: Env): MediaLimitsConfig {
  return Object.freeze({
    image: size(env, 'MEDIA_MAX_IMAGE', 16 * MB),
    audio: size(env, 'MEDIA_MAX_AUDIO', 16 * MB),
    video: size(env, 'MEDIA_MAX_VIDEO', 64 * MB),
    sticker: size(env, 'MEDIA_MAX_STICKER', 1 * MB),
    document: size(env, 'MEDIA_MAX_DOCUMENT', 100 * MB)
  })
}

function bool (env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)
  if (raw === undefined) return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

function adminToken (env: Env): string | undefined {
  const token = read(env, 'ADMIN_TOKEN') ?? read(env, 'WUZAPI_ADMIN_TOKEN')
  if (token !== undefined && token.length < 16) {
    throw new ConfigError('ADMIN_TOKEN must be at least 16 characters long (or unset it to have one generated)')
  }
  return token
}

function countryCode (env: Env): string {
  const raw = read(env, 'DEFAULT_COUNTRY_CODE')?.replace(/^\+/, '')
  if (raw === undefined) return ''
  if (!/^[1-9]\d{0,3}$/.test(raw)) throw new ConfigError(`DEFAULT_COUNTRY_CODE must be a country calling code such as 55 or +1, got "${raw}"`)
  return raw
}

function tokenSecret (env: Env): string | undefined {
  const secret = read(env, 'TOKEN_SECRET')
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('TOKEN_SECRET must be at least 32 characters long (or unset it to have one generated)')
  }
  return secret
}

function optionalSecret (env: Env, name: string, min: number): string | undefined {
  const value = read(env, name)
  if (value !== undefined && value.length < min) throw new ConfigError(`${name} must be at least ${min} characters long`)
  return value
}

const HOUR = 60 * 60_000

function webhooks (env: Env): WebhookConfig {
  const globalUrl = read(env, 'WUZAPI_GLOBAL_WEBHOOK') ?? ''
  if (globalUrl !== '' && !/^https?:\/\/[^\s]+$/i.test(globalUrl)) throw new ConfigError(`WUZAPI_GLOBAL_WEBHOOK must be an http:// or https:// URL, got "${globalUrl}"`)
  return Object.freeze({
    globalUrl,
    globalHmacKey: optionalSecret(env, 'WUZAPI_GLOBAL_HMAC_KEY', 32),
    encryptionKey: optionalSecret(env, 'WUZAPI_GLOBAL_ENCRYPTION_KEY', 32),
    format: oneOf(env, 'WEBHOOK_FORMAT', ['json', 'form'] as const, 'json'),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 30_000, 100, 300_000),
    retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 1_000, 1, 3_600_000),
    retryMaxDelayMs: integer(env, 'WEBHOOK_RETRY_MAX_DELAY_MS', 5 * 60_000, 1, 24 * HOUR),
    retryWindowMs: integer(env, 'WEBHOOK_RETRY_WINDOW_HOURS', 24, 1, 7 * 24) * HOUR,
    pipeline: integer(env, 'WEBHOOK_PIPELINE', 8, 1, 64),
    retentionMs: integer(env, 'WEBHOOK_RETENTION_HOURS', 7 * 24, 1, 90 * 24) * HOUR,
    mediaMaxBytes: size(env, 'MEDIA_DELIVERY_MAX_BYTES', 16 * MB)
  })
}

function limits (env: Env): LimitsConfig {
  return Object.freeze({
    perMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 0, 0, 1_000_000),
    admin: bool(env, 'RATE_LIMIT_ADMIN', false),
    mediaMaxConcurrent: integer(env, 'MEDIA_MAX_CONCURRENT', 4, 1, 1000),
    mediaLargeBytes: size(env, 'MEDIA_LARGE_BYTES', MB)
  })
}

/**
 * Reads and validates the environment. This is the only place that reads `process.env`.
 * Throws {@link ConfigError} with a one-line message on the first invalid value.
 */
export function loadConfig (env: Env = process.env): Config {
  const bodyLimit = read(env, 'BODY_LIMIT')
  return Object.freeze({
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: read(env, 'HOST') ?? '0.0.0.0',
    dataDir: path.resolve(read(env, 'DATA_DIR') ?? './data'),
    adminToken: adminToken(env),
    tokenSecret: tokenSecret(env),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    waMode: oneOf(env, 'WA_MODE', WA_MODES, 'live'),
    bodyLimitBytes: bodyLimit === undefined ? 100 * 1024 ** 2 : parseSize('BODY_LIMIT', bodyLimit),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    baileysLogLevel: oneOf(env, 'BAILEYS_LOG_LEVEL', LOG_LEVELS, 'error'),
    waQueryTimeoutMs: integer(env, 'WA_QUERY_TIMEOUT_MS', 20_000, 1_000, 300_000),
    connectWaitMs: integer(env, 'CONNECT_WAIT_MS', 10_000, 0, 120_000),
    sandboxAutoPair: bool(env, 'SANDBOX_AUTO_PAIR', true),
    sandboxUrl: sandboxUrl(env),
    allowPrivateUrls: bool(env, 'ALLOW_PRIVATE_URLS', false),
    defaultCountryCode: countryCode(env),
    mediaLimits: mediaLimits(env),
    mediaTempDir: path.resolve(read(env, 'MEDIA_TEMP_DIR') ?? os.tmpdir()),
    mediaFetchTimeoutMs: integer(env, 'MEDIA_FETCH_TIMEOUT_MS', 60_000, 100, 600_000),
    webhooks: webhooks(env),
    metricsToken: optionalSecret(env, 'METRICS_TOKEN', 16),
    limits: limits(env)
  })
}

function sandboxUrl (env: Env): string {
  const raw = read(env, 'SANDBOX_URL') ?? ''
  if (raw === '') return ''
  let url: URL
  try { url = new URL(raw) } catch { throw new ConfigError(`SANDBOX_URL must be an http URL (the emulator's admin URL, e.g. http://127.0.0.1:8090), got ${raw}`) }
  if (url.protocol !== 'http:') throw new ConfigError(`SANDBOX_URL must be an http URL (the emulator's admin URL, e.g. http://127.0.0.1:8090), got ${raw}`)
  return url.origin
}

/** Settings of the emulator run as its own process (`npm run sandbox`). */
export interface SandboxProcessConfig {
  /** Port of its admin API, the URL gateways get as `SANDBOX_URL` (0 = ephemeral). */
  readonly port: number
  /** Port of its WebSocket edge (0 = ephemeral). */
  readonly wsPort: number
  /** Bind address of the admin API, the edge and the media host. */
  readonly host: string
  /** Folder of its world (`world.db`, `media/`). */
  readonly dataDir: string
}

/** Reads the emulator process's settings: `SANDBOX_PORT`, `SANDBOX_WS_PORT`, `SANDBOX_HOST`, `DATA_DIR`. */
export function loadSandboxConfig (env: Env = process.env): SandboxProcessConfig {
  return Object.freeze({
    port: integer(env, 'SANDBOX_PORT', 8090, 0, 65535),
    wsPort: integer(env, 'SANDBOX_WS_PORT', 0, 0, 65535),
    host: read(env, 'SANDBOX_HOST') ?? '127.0.0.1',
    dataDir: path.resolve(read(env, 'DATA_DIR') ?? './data-sandbox')
  })
}
