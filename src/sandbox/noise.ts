import {
  Curve,
  NOISE_MODE,
  NOISE_WA_HEADER,
  aesDecryptGCM,
  aesEncryptGCM,
  hkdf,
  proto
} from '@whiskeysockets/baileys'
import type { KeyPair } from '@whiskeysockets/baileys'
import { createHash } from 'node:crypto'

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest()

const ivFor = (counter: number): Buffer => {
  const iv = Buffer.alloc(12)
  iv.writeUInt32BE(counter >>> 0, 8)
  return iv
}

/** The result of a completed server-side Noise XX handshake. */
export interface NoiseResult {
  /** The client's static (noise) public key. */
  clientStatic: Buffer;
  /** The decoded ClientPayload (login or registration). */
  payload: proto.ClientPayload;
}

/**
 * Server side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake and the transport that
 * follows it (AES-GCM with counter IVs).
 */
export class NoiseServer {
  private hash: Buffer
  private salt: Buffer
  private key: Buffer
  private counter = 0
  private readonly ephemeral: KeyPair = Curve.generateKeyPair()
  private encKey?: Buffer
  private decKey?: Buffer
  private readCounter = 0
  private writeCounter = 0

  constructor (
    private readonly staticKey: KeyPair,
    private readonly certChain: Uint8Array
  ) {
    const mode = Buffer.from(NOISE_MODE)
    this.hash = mode.length === 32 ? mode : sha256(mode)
    this.salt = this.hash
    this.key = this.hash
    this.authenticate(NOISE_WA_HEADER)
  }

  /** True once the handshake has finished and the transport keys are set. */
  get ready (): boolean {
    return !!this.encKey
  }

  private authenticate (data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]))
  }

  private mix (data: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(data), 64, { salt: this.salt, info: '' }))
    this.salt = out.subarray(0, 32)
    this.key = out.subarray(32)
    this.counter = 0
  }

  private enc (plain: Uint8Array): Buffer {
    const out = aesEncryptGCM(plain, this.key, ivFor(this.counter++), this.hash)
    this.authenticate(out)
    return out
  }

  private dec (cipher: Uint8Array): Buffer {
    const out = aesDecryptGCM(cipher, this.key, ivFor(this.counter++), this.hash)
    this.authenticate(cipher)
    return out
  }

  /** Handles the client hello; returns the encoded server hello (HandshakeMessage). */
  serverHello (clientHelloBytes: Uint8Array): Uint8Array {
    const msg = proto.HandshakeMessage.decode(clientHelloBytes)
    const clientEph = msg.clientHello?.ephemeral
    if (!clientEph || clientEph.length !== 32) throw new Error('bad client hello')
    this.clientEphemeral = Buffer.from(clientEph)
    this.authenticate(clientEph)
    this.authenticate(this.ephemeral.public)
    this.mix(Curve.sharedKey(this.ephemeral.private, clientEph))
    const encStatic = this.enc(this.staticKey.public)
    this.mix(Curve.sharedKey(this.staticKey.private, clientEph))
    const encPayload = this.enc(this.certChain)
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: this.ephemeral.public, static: encStatic, payload: encPayload }
    }).finish()
  }

  private clientEphemeral?: Buffer

  /** Handles the client finish and switches to transport mode. */
  clientFinish (bytes: Uint8Array): NoiseResult {
    const msg = proto.HandshakeMessage.decode(bytes)
    const fin = msg.clientFinish
    if (!fin?.static || !fin.payload || !this.clientEphemeral) throw new Error('bad client finish')
    const clientStatic = this.dec(fin.static)
    this.mix(Curve.sharedKey(this.ephemeral.private, clientStatic))
    const payload = proto.ClientPayload.decode(this.dec(fin.payload))
    const out = Buffer.from(hkdf(Buffer.alloc(0), 64, { salt: this.salt, info: '' }))
    this.decKey = out.subarray(0, 32)
    this.encKey = out.subarray(32)
    return { clientStatic, payload }
  }

  /** Encrypts one transport frame payload. */
  encrypt (plain: Uint8Array): Buffer {
    if (!this.encKey) throw new Error('noise transport not ready')
    return aesEncryptGCM(plain, this.encKey, ivFor(this.writeCounter++), Buffer.alloc(0))
  }

  /** Decrypts one transport frame payload. */
  decrypt (cipher: Uint8Array): Buffer {
    if (!this.decKey) throw new Error('noise transport not ready')
    return aesDecryptGCM(cipher, this.decKey, ivFor(this.readCounter++), Buffer.alloc(0))
  }
}

/** Splits a byte stream into 3-byte-length-prefixed frames, skipping the client intro header. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0)
  private introSkipped = false

  /** Appends data and returns the complete frames now available. */
  push (data: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data
    if (!this.introSkipped) {
      if (this.buf.length < 4) return []
      if (this.buf[0] === 0x57 && this.buf[1] === 0x41) this.buf = this.buf.subarray(4)
      else if (this.buf[0] === 0x45 && this.buf[1] === 0x44 && this.buf.length >= 7) {
        const len = (this.buf[4]! << 16) | this.buf.readUInt16BE(5)
        this.buf = this.buf.subarray(7 + len + 4)
      }
      this.introSkipped = true
    }
    const frames: Buffer[] = []
    while (this.buf.length >= 3) {
      const size = (this.buf[0]! << 16) | (this.buf[1]! << 8) | this.buf[2]!
      if (this.buf.length < size + 3) break
      frames.push(this.buf.subarray(3, size + 3))
      this.buf = this.buf.subarray(size + 3)
    }
    return frames
  }
}

/** Prefixes a payload with its 3-byte big-endian length. */
export function frame (data: Uint8Array): Buffer {
  const out = Buffer.alloc(3 + data.length)
  out[0] = (data.length >>> 16) & 0xff
  out[1] = (data.length >>> 8) & 0xff
  out[2] = data.length & 0xff
  out.set(data, 3)
  return out
}
