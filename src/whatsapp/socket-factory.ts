import makeWASocket, { Browsers, makeCacheableSignalKeyStore, type AuthenticationState, type CacheStore, type GroupMetadata, type proto, type UserFacingSocketConfig, type WAMessage, type WASocket } from '@whiskeysockets/baileys'
import type { ProxyAgents } from '../net/proxy.js'
import type { BaileysLogger } from './baileys-logger.js'
import { TtlCache } from './ttl-cache.js'

/** Baileys' own cache lifetimes (`DEFAULT_CACHE_TTLS`). */
const FIVE_MINUTES = 5 * 60_000
const ONE_HOUR = 60 * 60_000

/** What every socket of every session shares. */
export interface SocketSettings {
  logger: BaileysLogger
  /** Baileys' IQ timeout; an IQ pending at socket end keeps a timer this long. */
  queryTimeoutMs: number
  connectTimeoutMs: number
  /** Extra socket options: the sandbox's URL and agents in sandbox mode, nothing in live mode. */
  extra: () => Partial<UserFacingSocketConfig>
  /** A certificate proxied connections trust besides the system's (the sandbox's media host). */
  trustedCa?: string
}

/** What one session hands to each of its sockets. */
export interface SocketParts {
  auth: AuthenticationState
  /** Retry counters, kept across the session's reconnects. */
  retryCache: CacheStore
  getMessage: (id: string | null | undefined) => proto.IMessage | undefined
  groupMetadata: (jid: string) => Promise<GroupMetadata | undefined>
  /**
   * Called with each decrypted message before its delivery receipt leaves (our Baileys patch): the
   * session commits the message's events here, so a crash before the receipt makes WhatsApp
   * redeliver it instead of losing it. A throw nacks the message.
   */
  beforeMessageReceipt: (sock: WASocket, msg: WAMessage) => Promise<void>
  /** The user's proxy: the WebSocket, media uploads and Baileys' fetches (media downloads) go through it. */
  proxy?: ProxyAgents
}

/** The socket options that send a socket's traffic through a proxy. */
function viaProxy (proxy: ProxyAgents, extra: Partial<UserFacingSocketConfig>): Partial<UserFacingSocketConfig> {
  const url = String(extra.waWebSocketUrl ?? 'wss://web.whatsapp.com/ws/chat')
  return {
    agent: (url.startsWith('ws:') ? proxy.http : proxy.https) as UserFacingSocketConfig['agent'],
    fetchAgent: proxy.https,
    options: { ...extra.options, dispatcher: proxy.dispatcher } as unknown as RequestInit
  }
}

/**
 * Makes a Baileys socket for a session. Every cache Baileys lets us supply is one of ours: its
 * defaults each run an interval timer per socket that nothing stops when the socket ends.
 */
export function createSocket (settings: SocketSettings, parts: SocketParts): WASocket {
  const extra = settings.extra()
  const sock: WASocket = makeWASocket({
    auth: { creds: parts.auth.creds, keys: makeCacheableSignalKeyStore(parts.auth.keys, settings.logger, new TtlCache(FIVE_MINUTES)) },
    logger: settings.logger,
    browser: Browsers.macOS('Chrome'),
    markOnlineOnConnect: false,
    syncFullHistory: false,
    msgRetryCounterCache: parts.retryCache,
    userDevicesCache: new TtlCache(FIVE_MINUTES),
    callOfferCache: new TtlCache(FIVE_MINUTES),
    placeholderResendCache: new TtlCache(ONE_HOUR),
    defaultQueryTimeoutMs: settings.queryTimeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    getMessage: async key => parts.getMessage(key.id),
    cachedGroupMetadata: parts.groupMetadata,
    beforeMessageReceipt: async msg => { await parts.beforeMessageReceipt(sock, msg) },
    ...extra,
    ...(parts.proxy !== undefined ? viaProxy(parts.proxy, extra) : {})
  })
  return sock
}
