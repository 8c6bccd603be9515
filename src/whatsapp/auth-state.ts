import { BufferJSON, initAuthCreds, proto, type AuthenticationCreds, type AuthenticationState, type SignalDataSet, type SignalDataTypeMap } from '@whiskeysockets/baileys'
import type { KeyWrite, WaAuthRepo } from '../db/repos/wa-auth.js'

/** A user's Baileys auth state kept in SQLite, with its save and wipe operations. */
export interface SqliteAuthState {
  /** Pass to `makeWASocket({ auth })`; `creds` is mutated in place by Baileys. */
  readonly state: AuthenticationState
  /** Persists `state.creds` (call on every `creds.update`). */
  saveCreds (): void
  /** Deletes the stored login (credentials and keys) and resets `state.creds` to fresh ones. */
  wipe (): void
  /** True when the stored credentials belong to a paired device (a login needs no QR). */
  hasLogin (): boolean
}

function serialize (value: unknown): string {
  return JSON.stringify(value, BufferJSON.replacer)
}

function deserialize<T> (text: string): T {
  return JSON.parse(text, BufferJSON.reviver) as T
}

/**
 * Baileys' auth state backed by the `wa_creds`/`wa_keys` tables. Every `keys.set` call (one per
 * Baileys transaction commit) is written in one SQLite transaction.
 */
export function useSqliteAuthState (repo: WaAuthRepo, userId: string): SqliteAuthState {
  const stored = repo.readCreds(userId)
  const creds: AuthenticationCreds = stored === undefined ? initAuthCreds() : deserialize<AuthenticationCreds>(stored)

  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {}
        for (const row of repo.readKeys(userId, type, ids)) {
          let value = deserialize<unknown>(row.value)
          if (type === 'app-state-sync-key' && value !== null) value = proto.Message.AppStateSyncKeyData.fromObject(value as object)
          out[row.id] = value as SignalDataTypeMap[T]
        }
        return out
      },
      set: async (data: SignalDataSet) => {
        const writes: KeyWrite[] = []
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            writes.push({ type, id, value: value === null || value === undefined ? null : serialize(value) })
          }
        }
        repo.writeKeys(userId, writes)
      },
      clear: async () => { repo.wipe(userId) }
    }
  }

  return {
    state,
    saveCreds: () => { repo.writeCreds(userId, serialize(state.creds)) },
    wipe: () => {
      repo.wipe(userId)
      state.creds = initAuthCreds()
    },
    hasLogin: () => state.creds.me?.id !== undefined && state.creds.me.id !== '' && state.creds.account !== undefined
  }
}
