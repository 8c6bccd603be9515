import { Curve, WA_CERT_DETAILS, proto } from '@whiskeysockets/baileys'
import type { KeyPair } from '@whiskeysockets/baileys'

/** The sandbox's noise root key, generated once per process. */
const ROOT: KeyPair = Curve.generateKeyPair()

/** Public key of the sandbox noise root certificate (32 bytes, no 0x05 prefix). */
export const sandboxRootPublicKey = (): Buffer => Buffer.from(ROOT.public)

/**
 * Points Baileys' trust anchor (`WA_CERT_DETAILS.PUBLIC_KEY`) at the sandbox root, so the
 * certificate chain presented by the sandbox edge server verifies. Call it only in sandbox mode:
 * afterwards the process can no longer verify WhatsApp's real edge servers. A gateway using an
 * emulator in another process passes that emulator's root key (its `/info`).
 */
export function installSandboxTrust (rootPublicKey: Uint8Array = ROOT.public): void {
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootPublicKey)
}

/** A noise certificate chain (root → intermediate → leaf) for one server static key. */
export function makeNoiseCertChain (serverStaticPublic: Uint8Array): Uint8Array {
  const now = Math.floor(Date.now() / 1000)
  const intermediateKey = Curve.generateKeyPair()
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediateKey.public,
    notBefore: now - 3600,
    notAfter: now + 10 * 365 * 86400
  }).finish()
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: 1,
    key: serverStaticPublic,
    notBefore: now - 3600,
    notAfter: now + 365 * 86400
  }).finish()
  return proto.CertChain.encode({
    intermediate: { details: intermediateDetails, signature: Curve.sign(ROOT.private, intermediateDetails) },
    leaf: { details: leafDetails, signature: Curve.sign(intermediateKey.private, leafDetails) }
  }).finish()
}
