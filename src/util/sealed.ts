import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

const NONCE = 12
const TAG = 16

/** A 32-byte AES-256 key from a secret string of any length (its SHA-256). */
export function sealingKey (secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest()
}

/** AES-256-GCM: nonce || ciphertext || tag. */
export function seal (key: Buffer, plain: string): Buffer {
  const nonce = randomBytes(NONCE)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  return Buffer.concat([nonce, body, cipher.getAuthTag()])
}

/** Opens what {@link seal} made; undefined when it was sealed under another key or altered. */
export function unseal (key: Buffer, sealed: Uint8Array): string | undefined {
  const data = Buffer.from(sealed)
  if (data.length < NONCE + TAG) return undefined
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE))
    decipher.setAuthTag(data.subarray(data.length - TAG))
    return Buffer.concat([decipher.update(data.subarray(NONCE, data.length - TAG)), decipher.final()]).toString('utf8')
  } catch {
    return undefined
  }
}
