import {
  KEY_BUNDLE_TYPE,
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildBuffer,
  getBinaryNodeChildren,
  jidDecode,
  jidEncode
} from '@whiskeysockets/baileys'
import type { AuthenticationCreds, BinaryNode } from '@whiskeysockets/baileys'
import type { SandboxCore } from './core.js'
import { hiddenFrom } from './privacy.js'
import { refillPreKeys } from './phone-crypto.js'
import type { AccountRecord, DeviceRecord } from './state.js'

/** Text content of a node (Buffer or string). */
export const nodeText = (n: BinaryNode | undefined): string => {
  const c = n?.content
  if (c === undefined || c === null) return ''
  if (typeof c === 'string') return c
  if (c instanceof Uint8Array) return Buffer.from(c).toString('utf8')
  return ''
}

const uintOf = (b: Uint8Array | undefined): number => {
  if (!b) return 0
  let v = 0
  for (const x of b) v = v * 256 + x
  return v
}

/** `pn@s.whatsapp.net` or `pn:dev@s.whatsapp.net`. */
export const pnJid = (pn: string, device?: number): string => jidEncode(pn, 's.whatsapp.net', device || undefined)

/** `lid@lid` or `lid:dev@lid`. */
export const lidJid = (acc: AccountRecord, device?: number): string => jidEncode(acc.lid, 'lid', device || undefined)

/** Lowest free companion device id of an account. */
export function allocateDeviceId (acc: AccountRecord): number {
  let id = 1
  while (acc.devices[String(id)]) id++
  return id
}

/** Builds the prekey bundle node of one device, consuming a one-time prekey. */
export function bundleNode (core: SandboxCore, acc: AccountRecord, dev: DeviceRecord, jid: string): BinaryNode {
  const k = dev.keys
  const content: BinaryNode[] = [
    { tag: 'registration', attrs: {}, content: encodeBigEndian(k.registrationId) },
    { tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE },
    { tag: 'identity', attrs: {}, content: k.identityKey },
    {
      tag: 'skey',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(k.signedPreKey.keyId, 3) },
        { tag: 'value', attrs: {}, content: k.signedPreKey.publicKey },
        { tag: 'signature', attrs: {}, content: k.signedPreKey.signature }
      ]
    }
  ]
  const preId = Object.keys(k.preKeys)[0]
  const pre = preId !== undefined ? k.preKeys[preId] : undefined
  if (preId !== undefined && pre) {
    content.push({
      tag: 'key',
      attrs: {},
      content: [
        { tag: 'id', attrs: {}, content: encodeBigEndian(Number(preId), 3) },
        { tag: 'value', attrs: {}, content: pre }
      ]
    })
    delete k.preKeys[preId]
    core.touchDevice(acc.pn, dev.id)
    if (dev.kind === 'phone') {
      core.touchPhoneKeys(acc.pn, 'pre-key', refillPreKeys(acc.phone, k))
      core.touchAccount(acc.pn)
    }
  }
  return { tag: 'user', attrs: { jid }, content }
}

/** Answers the `encrypt` namespace: prekey upload/count/digest/rotate and bundle fetches. */
export function handleEncryptIq (core: SandboxCore, pn: string, device: number, iq: BinaryNode): BinaryNode[] | undefined {
  const acc = core.account(pn)
  const me = acc?.devices[String(device)]
  const key = getBinaryNodeChild(iq, 'key')
  if (key) {
    const users: BinaryNode[] = []
    for (const u of getBinaryNodeChildren(key, 'user')) {
      const r = core.resolve(u.attrs.jid)
      const dev = r?.acc.devices[String(r.device)]
      if (r && dev && u.attrs.jid) users.push(bundleNode(core, r.acc, dev, u.attrs.jid))
    }
    return [{ tag: 'list', attrs: {}, content: users }]
  }
  if (!acc || !me) return undefined
  if (getBinaryNodeChild(iq, 'count')) {
    return [{ tag: 'count', attrs: { value: String(Object.keys(me.keys.preKeys).length) } }]
  }
  if (getBinaryNodeChild(iq, 'digest')) {
    return [{ tag: 'digest', attrs: {}, content: [{ tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE }] }]
  }
  const rotate = getBinaryNodeChild(iq, 'rotate')
  const skey = getBinaryNodeChild(rotate ?? iq, 'skey')
  if (skey) {
    me.keys.signedPreKey = {
      keyId: uintOf(getBinaryNodeChildBuffer(skey, 'id')),
      publicKey: Buffer.from(getBinaryNodeChildBuffer(skey, 'value') ?? []),
      signature: Buffer.from(getBinaryNodeChildBuffer(skey, 'signature') ?? [])
    }
  }
  const identity = getBinaryNodeChildBuffer(iq, 'identity')
  if (identity) me.keys.identityKey = Buffer.from(identity)
  const reg = getBinaryNodeChildBuffer(iq, 'registration')
  if (reg) me.keys.registrationId = uintOf(reg)
  for (const k of getBinaryNodeChildren(getBinaryNodeChild(iq, 'list'), 'key')) {
    const id = uintOf(getBinaryNodeChildBuffer(k, 'id'))
    const value = getBinaryNodeChildBuffer(k, 'value')
    if (value) me.keys.preKeys[String(id)] = Buffer.from(value)
  }
  core.touchDevice(pn, device)
  return undefined
}

/** Answers a usync query (devices, contact, lid, status, disappearing mode...). */
export function handleUsync (core: SandboxCore, iq: BinaryNode, viewer?: string): BinaryNode[] {
  const usync = getBinaryNodeChild(iq, 'usync')
  const query = getBinaryNodeChild(usync, 'query')
  const protocols = Array.isArray(query?.content) ? query.content.map(n => n.tag) : []
  const list = getBinaryNodeChild(usync, 'list')
  const out: BinaryNode[] = []
  for (const user of getBinaryNodeChildren(list, 'user')) {
    const contact = getBinaryNodeChild(user, 'contact')
    const phone = contact ? nodeText(contact).replace(/[^0-9]/g, '') : ''
    const jid = user.attrs.jid ?? (phone ? pnJid(phone) : undefined)
    if (!jid) continue
    const r = core.resolve(jid)
    const acc = r?.acc
    const content: BinaryNode[] = []
    for (const p of protocols) {
      if (p === 'contact') content.push({ tag: 'contact', attrs: { type: acc ? 'in' : 'out' } })
      else if (p === 'devices') content.push(devicesNode(acc))
      else if (p === 'lid' && acc && jidDecode(jid)?.server !== 'lid') content.push({ tag: 'lid', attrs: { val: lidJid(acc) } })
      else if (p === 'status' && acc) {
        // hidden by privacy: WhatsApp answers the status with code 401 and no text
        if (hiddenFrom(acc, 'status', viewer)) content.push({ tag: 'status', attrs: { code: '401' } })
        else content.push({ tag: 'status', attrs: { t: '0' }, content: acc.status ? Buffer.from(acc.status) : undefined })
      } else if (p === 'disappearing_mode') content.push({ tag: 'disappearing_mode', attrs: { duration: '0', t: '0' } })
    }
    out.push({ tag: 'user', attrs: { jid: acc && phone ? pnJid(acc.pn) : jid }, content })
  }
  return [
    {
      tag: 'usync',
      attrs: { ...(usync?.attrs ?? {}) },
      content: [
        { tag: 'result', attrs: {} },
        { tag: 'list', attrs: {}, content: out }
      ]
    }
  ]
}

function devicesNode (acc: AccountRecord | undefined): BinaryNode {
  const devices = acc
    ? Object.values(acc.devices).map(
      (d): BinaryNode => ({
        tag: 'device',
        attrs: d.id === 0 ? { id: '0' } : { id: String(d.id), 'key-index': String(d.keyIndex || 1) }
      })
    )
    : []
  return {
    tag: 'devices',
    attrs: {},
    content: [
      { tag: 'device-list', attrs: {}, content: devices },
      { tag: 'key-index-list', attrs: { ts: '0' } }
    ]
  }
}

/** Signal identity public key of the account's phone (also its ADV account signature key). */
export function phoneIdentity (acc: AccountRecord): { public: Buffer; private: Buffer } {
  const creds = acc.phone.creds as AuthenticationCreds
  return { public: Buffer.from(creds.signedIdentityKey.public), private: Buffer.from(creds.signedIdentityKey.private) }
}
