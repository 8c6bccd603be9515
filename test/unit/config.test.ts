import path from 'node:path'
import { ConfigError, loadConfig, loadSandboxConfig, parseSize } from '../../src/config.js'

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: path.resolve('./data'), adminToken: undefined, logLevel: 'info', waMode: 'live', bodyLimitBytes: 100 * 1024 * 1024 })
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('reads every variable', () => {
    const config = loadConfig({ PORT: '9000', HOST: '127.0.0.1', DATA_DIR: '/tmp/x', ADMIN_TOKEN: 'a-very-long-admin-token', LOG_LEVEL: 'DEBUG', WA_MODE: 'sandbox', BODY_LIMIT: '2mb' })
    expect(config).toMatchObject({ port: 9000, host: '127.0.0.1', dataDir: '/tmp/x', adminToken: 'a-very-long-admin-token', logLevel: 'debug', waMode: 'sandbox', bodyLimitBytes: 2 * 1024 * 1024 })
  })

  it('accepts wuzapi\'s WUZAPI_ADMIN_TOKEN name', () => {
    expect(loadConfig({ WUZAPI_ADMIN_TOKEN: 'another-long-admin-token' }).adminToken).toBe('another-long-admin-token')
  })

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of fatal, error/],
    [{ WA_MODE: 'mock' }, /WA_MODE must be one of live, sandbox/],
    [{ BODY_LIMIT: 'huge' }, /BODY_LIMIT must be a size/],
    [{ BODY_LIMIT: '10' }, /BODY_LIMIT must be at least 1kb/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN must be at least 16 characters/]
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })
})

describe('parseSize', () => {
  it.each([['1048576', 1048576], ['512kb', 512 * 1024], ['50MB', 50 * 1024 ** 2], ['1gb', 1024 ** 3], ['1.5mb', 1.5 * 1024 ** 2]])('parses %s', (raw, bytes) => {
    expect(parseSize('X', raw)).toBe(bytes)
  })
})

describe('TOKEN_SECRET', () => {
  it('is read when at least 32 characters long, and left to the data folder when unset', () => {
    expect(loadConfig({ TOKEN_SECRET: 'x'.repeat(32) }).tokenSecret).toBe('x'.repeat(32))
    expect(loadConfig({}).tokenSecret).toBeUndefined()
  })

  it('refuses a shorter one with one clear line', () => {
    expect(() => loadConfig({ TOKEN_SECRET: 'x'.repeat(31) })).toThrow('TOKEN_SECRET must be at least 32 characters long (or unset it to have one generated)')
  })
})

describe('metrics and limits settings', () => {
  it('defaults: /metrics open, no rate limit, 4 large media requests at once from 1 MB', () => {
    const config = loadConfig({})
    expect(config.metricsToken).toBeUndefined()
    expect(config.limits).toEqual({ perMinute: 0, admin: false, mediaMaxConcurrent: 4, mediaLargeBytes: 1024 * 1024 })
  })

  it('reads METRICS_TOKEN, RATE_LIMIT_PER_MINUTE, RATE_LIMIT_ADMIN, MEDIA_MAX_CONCURRENT and MEDIA_LARGE_BYTES', () => {
    const config = loadConfig({ METRICS_TOKEN: 'm'.repeat(16), RATE_LIMIT_PER_MINUTE: '120', RATE_LIMIT_ADMIN: 'true', MEDIA_MAX_CONCURRENT: '8', MEDIA_LARGE_BYTES: '256kb' })
    expect(config.metricsToken).toBe('m'.repeat(16))
    expect(config.limits).toEqual({ perMinute: 120, admin: true, mediaMaxConcurrent: 8, mediaLargeBytes: 256 * 1024 })
  })

  it.each([
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN must be at least 16 characters/],
    [{ RATE_LIMIT_PER_MINUTE: '-1' }, /RATE_LIMIT_PER_MINUTE must be a whole number/],
    [{ RATE_LIMIT_ADMIN: 'maybe' }, /RATE_LIMIT_ADMIN must be true or false/],
    [{ MEDIA_MAX_CONCURRENT: '0' }, /MEDIA_MAX_CONCURRENT must be between 1 and 1000/],
    [{ MEDIA_LARGE_BYTES: 'big' }, /MEDIA_LARGE_BYTES must be a size/]
  ])('refuses %j with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })
})

describe('SANDBOX_URL and the emulator process settings', () => {
  it('reads the emulator\'s admin URL (origin only), empty by default', () => {
    expect(loadConfig({}).sandboxUrl).toBe('')
    expect(loadConfig({ SANDBOX_URL: 'http://127.0.0.1:8090/' }).sandboxUrl).toBe('http://127.0.0.1:8090')
  })

  it.each(['127.0.0.1:8090', 'ws://127.0.0.1:8090'])('refuses %s with one clear line', raw => {
    expect(() => loadConfig({ SANDBOX_URL: raw })).toThrow(`SANDBOX_URL must be an http URL (the emulator's admin URL, e.g. http://127.0.0.1:8090), got ${raw}`)
  })

  it('gives the emulator process its defaults and reads its variables', () => {
    expect(loadSandboxConfig({})).toEqual({ port: 8090, wsPort: 0, host: '127.0.0.1', dataDir: path.resolve('./data-sandbox') })
    expect(loadSandboxConfig({ SANDBOX_PORT: '9100', SANDBOX_WS_PORT: '9101', SANDBOX_HOST: '0.0.0.0', DATA_DIR: '/tmp/w' })).toEqual({ port: 9100, wsPort: 9101, host: '0.0.0.0', dataDir: '/tmp/w' })
    expect(() => loadSandboxConfig({ SANDBOX_PORT: 'x' })).toThrow('SANDBOX_PORT must be a whole number between 0 and 65535, got "x"')
  })
})
