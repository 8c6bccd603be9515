import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'

const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  while (n > 0) {
    bytes.unshift(n & 0xff)
    n >>= 8
  }
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts)
  return Buffer.concat([Buffer.from([tag]), len(body.length), body])
}
const seq = (...p: Buffer[]) => tlv(0x30, ...p)
const oid = (s: string): Buffer => {
  const [a, b, ...rest] = s.split('.').map(Number)
  const out = [a! * 40 + b!]
  for (let v of rest) {
    const stack = [v & 0x7f]
    while ((v >>= 7) > 0) stack.unshift(0x80 | (v & 0x7f))
    out.push(...stack)
  }
  return tlv(0x06, Buffer.from(out))
}
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s))
const time = (d: Date) => tlv(0x18, Buffer.from(d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'))
const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), utf8(cn))))

/** A PEM certificate and its private key. */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * Generates a self-signed ECDSA P-256 certificate for `127.0.0.1` and `localhost` (it is its own
 * CA, so clients can trust it by passing it as `ca`).
 */
export function generateSelfSignedCert (commonName = 'WhatsApp Sandbox Media'): TlsMaterial {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const sigAlg = seq(oid('1.2.840.10045.4.3.2'))
  const serial = randomBytes(16)
  // DER INTEGER: positive and minimal (a leading 0x00 before a byte < 0x80 is "illegal padding" to OpenSSL)
  serial[0] = 0x40 | (serial[0]! & 0x3f)
  const now = Date.now()
  const san = seq(tlv(0x87, Buffer.from([127, 0, 0, 1])), tlv(0x82, Buffer.from('localhost')))
  const extensions = tlv(
    0xa3,
    seq(
      seq(oid('2.5.29.19'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x01, Buffer.from([0xff]))))),
      seq(oid('2.5.29.17'), tlv(0x04, san))
    )
  )
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    sigAlg,
    name(commonName),
    seq(time(new Date(now - 86400_000)), time(new Date(now + 3650 * 86400_000))),
    name(commonName),
    spki,
    extensions
  )
  const signature = sign('sha256', tbs, privateKey)
  const der = seq(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])))
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n')
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  }
}
