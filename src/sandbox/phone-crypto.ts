import {
  Curve,
  DEFAULT_CONNECTION_CONFIG,
  addTransactionCapability,
  initAuthCreds,
  unpadRandomMax16,
  proto
} from '@whiskeysockets/baileys'
import type {
  AuthenticationCreds,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  SignalRepositoryWithLIDStore
} from '@whiskeysockets/baileys'
import pino from 'pino'
import type { PhoneSecrets, PublishedKeys } from './state.js'

const silent = pino({ level: 'silent' })

/** Number of one-time prekeys a virtual phone keeps published. */
export const PHONE_PREKEYS = 20

/** Creates the secrets of a new virtual phone and the public keys it publishes. */
export function createPhoneSecrets (): { secrets: PhoneSecrets; published: PublishedKeys } {
  const creds = initAuthCreds()
  const secrets: PhoneSecrets = { creds, keys: { 'pre-key': {} } }
  const published: PublishedKeys = {
    registrationId: creds.registrationId,
    identityKey: Buffer.from(creds.signedIdentityKey.public),
    signedPreKey: {
      keyId: creds.signedPreKey.keyId,
      publicKey: Buffer.from(creds.signedPreKey.keyPair.public),
      signature: Buffer.from(creds.signedPreKey.signature)
    },
    preKeys: {}
  }
  refillPreKeys(secrets, published)
  return { secrets, published }
}

/** Tops the phone's one-time prekeys back up to {@link PHONE_PREKEYS}; returns the new key ids. */
export function refillPreKeys (secrets: PhoneSecrets, published: PublishedKeys): string[] {
  const creds = secrets.creds as AuthenticationCreds
  const store = (secrets.keys['pre-key'] ??= {})
  const added: string[] = []
  while (Object.keys(published.preKeys).length < PHONE_PREKEYS) {
    const id = String(creds.nextPreKeyId++)
    const pair = Curve.generateKeyPair()
    store[id] = pair
    published.preKeys[id] = Buffer.from(pair.public)
    added.push(id)
  }
  return added
}

/** Told which keys of a type were set or removed. */
export type KeysChanged = (type: string, ids: string[]) => void

const makeKeyStore = (secrets: PhoneSecrets, onChange: KeysChanged): SignalKeyStore => ({
  get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
    const bucket = secrets.keys[type] ?? {}
    const out: { [id: string]: SignalDataTypeMap[T] } = {}
    for (const id of ids) {
      const v = bucket[id]
      if (v !== undefined && v !== null) out[id] = v as SignalDataTypeMap[T]
    }
    return out
  },
  set: async (data: SignalDataSet) => {
    for (const type of Object.keys(data) as (keyof SignalDataSet)[]) {
      const bucket = (secrets.keys[type] ??= {})
      const entries = Object.entries(data[type] ?? {})
      for (const [id, v] of entries) {
        if (v === null || v === undefined) delete bucket[id]
        else bucket[id] = v
      }
      onChange(type, entries.map(([id]) => id))
    }
  }
})

/** Signal machinery of one virtual phone (device 0), built on Baileys' own libsignal repository. */
export class PhoneCrypto {
  readonly repo: SignalRepositoryWithLIDStore

  constructor (secrets: PhoneSecrets, onChange: KeysChanged) {
    const keys = addTransactionCapability(makeKeyStore(secrets, onChange), silent, {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 10
    })
    this.repo = DEFAULT_CONNECTION_CONFIG.makeSignalRepository(
      { creds: secrets.creds as AuthenticationCreds, keys },
      silent
    )
  }

  /** Decrypts a 1:1 `pkmsg`/`msg` from `senderJid` into a proto.Message. */
  async decrypt (senderJid: string, type: 'pkmsg' | 'msg', ciphertext: Uint8Array): Promise<proto.Message> {
    const plain = await this.repo.decryptMessage({ jid: senderJid, type, ciphertext })
    return proto.Message.decode(unpadRandomMax16(plain))
  }

  /** Decrypts a group `skmsg`. */
  async decryptGroup (group: string, authorJid: string, msg: Uint8Array): Promise<proto.Message> {
    const plain = await this.repo.decryptGroupMessage({ group, authorJid, msg })
    return proto.Message.decode(unpadRandomMax16(plain))
  }

  /** Stores a sender key distribution message received from `authorJid`. */
  async processSenderKey (authorJid: string, item: proto.Message.ISenderKeyDistributionMessage): Promise<void> {
    await this.repo.processSenderKeyDistributionMessage({ authorJid, item })
  }
}
