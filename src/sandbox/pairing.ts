import {
  Curve,
  S_WHATSAPP_NET,
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  derivePairingCodeKey,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  hkdf,
  hmacSign,
  proto
} from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { allocateDeviceId, lidJid, phoneIdentity, pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { AccountRecord } from './state.js'
import { SandboxError } from './errors.js'

/** Parsed fields of a Baileys rc14 QR string. */
export interface QrData {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
  platform: string;
}

/** Parses `https://wa.me/settings/linked_devices#REF,noise,identity,adv,platform` (or the bare CSV). */
export function parseQr (qr: string): QrData {
  const csv = qr.includes('#') ? qr.slice(qr.indexOf('#') + 1) : qr
  const [ref, noise, identity, adv, platform] = csv.split(',')
  if (!ref || !noise || !identity || !adv) throw new SandboxError('invalid_qr', `not a WhatsApp pairing QR: ${qr}`)
  return {
    ref,
    noiseKey: Buffer.from(noise, 'base64'),
    identityKey: Buffer.from(identity, 'base64'),
    advSecret: Buffer.from(adv, 'base64'),
    platform: platform ?? ''
  }
}

interface PendingCode {
  conn: EdgeConnection;
  pn: string;
  ref: string;
  wrappedCompanionEph: Buffer;
  primaryEph?: { public: Buffer; private: Buffer };
  companionEph?: Buffer;
  resolve?: (r: PairResult) => void;
  reject?: (e: Error) => void;
}

/** Outcome of a pairing. */
export interface PairResult {
  jid: string;
  lid: string;
  device: number;
}

/** QR and pairing-code flows, played by the virtual phone of the pairing number. */
export class Pairing {
  private readonly codes = new Map<string, PendingCode>()
  private readonly awaitingSign = new Map<string, { conn: EdgeConnection; done: () => void; fail: (e: Error) => void }>()

  constructor (private readonly core: SandboxCore) {}

  /** Sends `pair-device` refs to a fresh (unregistered) connection. */
  offerQr (conn: EdgeConnection): void {
    conn.refs = Array.from({ length: this.core.config.qrRefs }, () => randomBytes(12).toString('base64url'))
    conn.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: this.core.nextId(), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {}, content: conn.refs.map(r => ({ tag: 'ref', attrs: {}, content: Buffer.from(r) })) }]
    })
  }

  /** Ends the QR phase: an empty `pair-device` makes Baileys close with "QR refs attempts ended". */
  expireQr (conn: EdgeConnection): void {
    conn.refs = []
    conn.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: this.core.nextId(), xmlns: 'md' },
      content: [{ tag: 'pair-device', attrs: {} }]
    })
  }

  /** The phone `pn` scans a QR string shown by a client connected to this sandbox. */
  async scanQr (connections: Iterable<EdgeConnection>, qr: string, pn: string): Promise<PairResult> {
    const data = parseQr(qr)
    const conn = [...connections].find(c => !c.closed && c.refs.includes(data.ref) && c.clientStatic?.equals(data.noiseKey))
    if (!conn?.registration) throw new SandboxError('no_qr_client', 'no connected client shows this QR')
    return this.pairSuccess(conn, this.core.ensureAccount(pn), data.advSecret, data.platform)
  }

  /** Handles `link_code_companion_reg` IQs (companion_hello and companion_finish). */
  handleLinkCode (conn: EdgeConnection, iq: BinaryNode): BinaryNode[] | undefined {
    const reg = getBinaryNodeChild(iq, 'link_code_companion_reg')
    if (!reg) return undefined
    if (reg.attrs.stage === 'companion_hello') {
      const pn = (reg.attrs.jid ?? '').split('@')[0]?.split(':')[0] ?? ''
      const ref = randomBytes(16).toString('base64url')
      const wrapped = getBinaryNodeChildBuffer(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub')
      this.codes.set(pn, { conn, pn, ref, wrappedCompanionEph: Buffer.from(wrapped ?? []) })
      return [{ tag: 'link_code_companion_reg', attrs: {}, content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(ref) }] }]
    }
    if (reg.attrs.stage === 'companion_finish') {
      const ref = Buffer.from(getBinaryNodeChildBuffer(reg, 'link_code_pairing_ref') ?? []).toString()
      const pending = [...this.codes.values()].find(p => p.ref === ref)
      if (pending) this.finishCode(pending, reg).catch(() => pending.conn.terminate())
    }
    return undefined
  }

  /** The phone owner types `code` on phone `pn` (or the only pending request when omitted). */
  async completePairingCode (code: string, pn?: string, waitMs = 3000): Promise<PairResult> {
    const find = () => (pn ? this.codes.get(pn) : this.codes.size === 1 ? [...this.codes.values()][0] : undefined)
    for (let waited = 0; !find() && waited < waitMs; waited += 20) await new Promise(resolve => setTimeout(resolve, 20))
    const pending = find()
    if (!pending || pending.conn.closed) throw new SandboxError('no_pairing_request', `no pending pairing-code request${pn ? ` for ${pn}` : ''}`)
    const acc = this.core.ensureAccount(pending.pn)
    const w = pending.wrappedCompanionEph
    const key = await derivePairingCodeKey(code, w.subarray(0, 32))
    pending.companionEph = aesDecryptCTR(w.subarray(48, 80), key, w.subarray(32, 48))
    const eph = Curve.generateKeyPair()
    pending.primaryEph = { public: Buffer.from(eph.public), private: Buffer.from(eph.private) }
    const salt = randomBytes(32)
    const iv = randomBytes(16)
    const wrapKey = await derivePairingCodeKey(code, salt)
    const wrapped = Buffer.concat([salt, iv, aesEncryptCTR(eph.public, wrapKey, iv)])
    const result = new Promise<PairResult>((resolve, reject) => {
      pending.resolve = resolve
      pending.reject = reject
    })
    pending.conn.send({
      tag: 'notification',
      attrs: { from: S_WHATSAPP_NET, type: 'link_code_companion_reg', id: this.core.nextId(), t: String(unixNow()) },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(pending.ref) },
            { tag: 'primary_identity_pub', attrs: {}, content: phoneIdentity(acc).public },
            { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrapped }
          ]
        }
      ]
    })
    return result
  }

  private async finishCode (p: PendingCode, reg: BinaryNode): Promise<void> {
    try {
      if (!p.primaryEph || !p.companionEph) throw new Error('pairing code not entered')
      const acc = this.core.ensureAccount(p.pn)
      const bundle = Buffer.from(getBinaryNodeChildBuffer(reg, 'link_code_pairing_wrapped_key_bundle') ?? [])
      const companionIdentity = Buffer.from(getBinaryNodeChildBuffer(reg, 'companion_identity_public') ?? [])
      const shared = Curve.sharedKey(p.primaryEph.private, p.companionEph)
      const key = hkdf(shared, 32, { salt: bundle.subarray(0, 32), info: 'link_code_pairing_key_bundle_encryption_key' })
      const plain = aesDecryptGCM(bundle.subarray(44), Buffer.from(key), bundle.subarray(32, 44), Buffer.alloc(0))
      const random = plain.subarray(64, 96)
      const identityShared = Curve.sharedKey(phoneIdentity(acc).private, companionIdentity)
      const adv = Buffer.from(hkdf(Buffer.concat([shared, identityShared, random]), 32, { info: 'adv_secret' }))
      this.codes.delete(p.pn)
      p.resolve?.(await this.pairSuccess(p.conn, acc, adv, ''))
    } catch (e) {
      p.reject?.(e as Error)
    }
  }

  private pairSuccess (conn: EdgeConnection, acc: AccountRecord, adv: Buffer, platform: string): Promise<PairResult> {
    const reg = conn.registration
    if (!reg?.eIdent || !reg.eSkeyVal || !reg.eSkeySig || !conn.clientStatic) throw new Error('connection has no registration data')
    const id = allocateDeviceId(acc)
    const keyIndex = Math.max(0, ...Object.values(acc.devices).map(d => d.keyIndex)) + 1
    const details = proto.ADVDeviceIdentity.encode({ rawId: randomBytes(4).readUInt32BE(0), timestamp: unixNow(), keyIndex }).finish()
    const identity = phoneIdentity(acc)
    const companionIdentity = Buffer.from(reg.eIdent)
    const accountSignature = Curve.sign(identity.private, Buffer.concat([Buffer.from([6, 0]), details, companionIdentity]))
    const signed = proto.ADVSignedDeviceIdentity.encode({ details, accountSignatureKey: identity.public, accountSignature }).finish()
    const hmacNode = proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac: hmacSign(signed, adv) }).finish()
    const uint = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).reduce((v, x) => v * 256 + x, 0) : 0)
    acc.devices[String(id)] = {
      id,
      kind: 'companion',
      keyIndex,
      noiseKey: conn.clientStatic,
      platform: platform || undefined,
      keys: {
        registrationId: uint(reg.eRegid),
        identityKey: companionIdentity,
        signedPreKey: { keyId: uint(reg.eSkeyId), publicKey: Buffer.from(reg.eSkeyVal), signature: Buffer.from(reg.eSkeySig) },
        preKeys: {}
      },
      createdAt: unixNow()
    }
    this.core.touchDevice(acc.pn, id)
    const iqId = this.core.nextId()
    const result: PairResult = { jid: pnJid(acc.pn, id), lid: lidJid(acc, id), device: id }
    const done = new Promise<PairResult>((resolve, reject) => this.awaitingSign.set(iqId, { conn, done: () => resolve(result), fail: reject }))
    conn.send({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: iqId, xmlns: 'md', t: String(unixNow()) },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            { tag: 'device-identity', attrs: {}, content: hmacNode },
            { tag: 'platform', attrs: { name: 'android' } },
            { tag: 'device', attrs: { jid: result.jid, lid: result.lid } }
          ]
        }
      ]
    })
    return done
  }

  /**
   * A connection closed: every pairing still waiting on it (a code entered on the phone, a scanned
   * QR waiting for the device's signature) fails now instead of waiting forever.
   */
  connectionClosed (conn: EdgeConnection): void {
    const aborted = (): SandboxError => new SandboxError('pairing_aborted', 'the device disconnected before pairing completed')
    for (const [pn, pending] of this.codes) {
      if (pending.conn !== conn) continue
      this.codes.delete(pn)
      pending.reject?.(aborted())
    }
    for (const [id, pending] of this.awaitingSign) {
      if (pending.conn !== conn) continue
      this.awaitingSign.delete(id)
      pending.fail(aborted())
    }
  }

  /** Handles the companion's `pair-device-sign` reply; the server then asks for a restart (515). */
  handleIqResult (conn: EdgeConnection, iq: BinaryNode): boolean {
    const pending = iq.attrs.id ? this.awaitingSign.get(iq.attrs.id) : undefined
    if (!pending) return false
    this.awaitingSign.delete(iq.attrs.id!)
    const sign = getBinaryNodeChild(iq, 'pair-device-sign')
    const ident = getBinaryNodeChildBuffer(sign, 'device-identity')
    const owner = Object.values(this.core.world.accounts)
      .flatMap(acc => Object.values(acc.devices).map(dev => ({ acc, dev })))
      .find(({ dev }) => !!dev.noiseKey && !!conn.clientStatic?.equals(dev.noiseKey) && !dev.account)
    if (owner && ident) {
      owner.dev.account = Buffer.from(ident)
      this.core.touchDevice(owner.acc.pn, owner.dev.id)
    }
    conn.streamError('515')
    pending.done()
    return true
  }
}
