import makeWASocket, { BufferJSON, initAuthCreds, proto } from '@whiskeysockets/baileys'
import type {
  AuthenticationState,
  BaileysEventMap,
  WAMessage,
  ConnectionState,
  SignalDataSet,
  SignalDataTypeMap,
  UserFacingSocketConfig,
  WASocket
} from '@whiskeysockets/baileys'
import pino from 'pino'
import type { Sandbox } from './index.js'

/** An in-memory Baileys auth state (creds + Map key store) that survives socket restarts. */
export function memoryAuthState (): AuthenticationState {
  const creds = initAuthCreds()
  const store = new Map<string, string>()
  return {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {}
        for (const id of ids) {
          const raw = store.get(`${type}/${id}`)
          if (raw === undefined) continue
          let v = JSON.parse(raw, BufferJSON.reviver)
          if (type === 'app-state-sync-key') v = proto.Message.AppStateSyncKeyData.fromObject(v)
          out[id] = v as SignalDataTypeMap[T]
        }
        return out
      },
      set: async (data: SignalDataSet) => {
        for (const type of Object.keys(data) as (keyof SignalDataSet)[]) {
          for (const [id, v] of Object.entries(data[type] ?? {})) {
            if (v === null || v === undefined) store.delete(`${type}/${id}`)
            else store.set(`${type}/${id}`, JSON.stringify(v, BufferJSON.replacer))
          }
        }
      }
    }
  }
}

/** Status code of a `connection.update` close. */
export const closeCode = (u: Partial<ConnectionState>): number | undefined =>
  (u.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode

/** Waits for a `connection.update` matching `pred`. */
export function waitForUpdate (
  sock: WASocket,
  pred: (u: Partial<ConnectionState>) => boolean,
  timeoutMs = 10000
): Promise<Partial<ConnectionState>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.ev.off('connection.update', on)
      reject(new Error('timed out waiting for connection.update'))
    }, timeoutMs)
    const on = (u: Partial<ConnectionState>) => {
      if (!pred(u)) return
      clearTimeout(timer)
      sock.ev.off('connection.update', on)
      resolve(u)
    }
    sock.ev.on('connection.update', on)
  })
}

/** Creates a Baileys socket pointed at the sandbox, with quiet, test-friendly defaults. */
export function sandboxSocket (sb: Sandbox, auth: AuthenticationState, extra: Partial<UserFacingSocketConfig> = {}): WASocket {
  return makeWASocket({
    auth,
    logger: pino({ level: 'silent' }),
    defaultQueryTimeoutMs: 2000,
    markOnlineOnConnect: false,
    ...sb.socketOptions(),
    ...extra
  })
}

/** A Baileys client paired with a sandbox phone number. */
export interface PairedClient {
  auth: AuthenticationState;
  sock: WASocket;
  /** `pn@s.whatsapp.net` */
  jid: string;
  /** Ends the current socket and opens a new one with the same credentials (waits for `open`). */
  reconnect(): Promise<WASocket>;
  /** Ends the socket. */
  end(): Promise<void>;
}

/**
 * Pairs a fresh in-memory Baileys client as a companion of `pn` by QR (scan → 515 → reconnect)
 * and resolves once it is `open`. `onSocket` runs for every socket before it connects.
 */
export async function pairClient (
  sb: Sandbox,
  pn: string,
  opts: { extra?: Partial<UserFacingSocketConfig>; onSocket?: (sock: WASocket) => void } = {}
): Promise<PairedClient> {
  const auth = memoryAuthState()
  const first = sandboxSocket(sb, auth, opts.extra)
  opts.onSocket?.(first)
  const { qr } = await waitForUpdate(first, u => !!u.qr)
  const closed = waitForUpdate(first, u => u.connection === 'close')
  await sb.scanQr(qr!, pn)
  const close = await closed
  if (closeCode(close) !== 515) throw new Error(`expected 515 after pairing, got ${closeCode(close)}`)
  const open = async (): Promise<WASocket> => {
    const sock = sandboxSocket(sb, auth, opts.extra)
    opts.onSocket?.(sock)
    await waitForUpdate(sock, u => u.connection === 'open')
    return sock
  }
  const client: PairedClient = {
    auth,
    sock: await open(),
    jid: `${pn}@s.whatsapp.net`,
    async reconnect () {
      await client.sock.end(undefined)
      client.sock = await open()
      return client.sock
    },
    async end () {
      await client.sock.end(undefined)
    }
  }
  return client
}

/** Hides libsignal's "Closing session" dumps (key material on stdout) during tests. */
export function quietLibsignal (): () => void {
  const info = console.info
  const warn = console.warn
  const filter =
    (original: (...a: unknown[]) => void) =>
      (...args: unknown[]) => {
        if (typeof args[0] === 'string' && /session/i.test(args[0])) return
        original(...args)
      }
  console.info = filter(info)
  console.warn = filter(warn)
  return () => {
    console.info = info
    console.warn = warn
  }
}

/** Events recorded by an {@link Inbox}, by Baileys event name. */
export type InboxEvents = Partial<{ [K in keyof BaileysEventMap]: BaileysEventMap[K][] }>

/** Records a client's Baileys events across socket restarts, with waiters. */
export class Inbox {
  readonly events: InboxEvents = {}
  private waiters: (() => void)[] = []

  /** Starts recording the events of a socket (call for every new socket). */
  attach (sock: WASocket): void {
    sock.ev.process(async batch => {
      for (const [name, value] of Object.entries(batch)) {
        const key = name as keyof BaileysEventMap;
        ((this.events[key] ??= []) as unknown[]).push(value)
      }
      for (const w of this.waiters) w()
    })
  }

  /** Every received WAMessage (all `messages.upsert` batches flattened). */
  messages (): WAMessage[] {
    return (this.events['messages.upsert'] ?? []).flatMap(u => u.messages)
  }

  /** Waits until `check` returns a value. */
  waitFor<T>(check: () => T | undefined | false, timeoutMs = 8000, what = 'event'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const first = check()
      if (first) return resolve(first)
      const w = () => {
        const v = check()
        if (!v) return
        done()
        resolve(v)
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out waiting for ${what}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.waiters = this.waiters.filter(x => x !== w)
      }
      this.waiters.push(w)
    })
  }

  /** Waits for a received message matching `pred`. */
  waitForMessage (pred: (m: WAMessage) => boolean, timeoutMs?: number): Promise<WAMessage> {
    return this.waitFor(() => this.messages().find(pred), timeoutMs, 'message')
  }
}
