import { KIND_TEXT, type AddressKind } from './ip-class.js'

/**
 * An outbound request was refused because its host is, or resolves to, an address this server must
 * not reach (loopback, private network, cloud metadata...). `host` is what the URL named, `address`
 * the IP (or local name) it leads to.
 */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS'

  constructor (readonly host: string, readonly address: string, readonly kind: AddressKind) {
    super(host === address ? `${address} is ${KIND_TEXT[kind]}` : `${host} resolves to ${address}, ${KIND_TEXT[kind]}`)
    this.name = 'BlockedAddressError'
  }

  /** What the operator can do about it. */
  get hint (): string {
    return this.kind === 'metadata'
      ? 'cloud metadata endpoints are always refused'
      : 'set ALLOW_PRIVATE_URLS=true to allow internal addresses'
  }

  /** A client-facing sentence: "webhook URL resolves to 127.0.0.1, a loopback address; set ...". */
  explain (subject: string): string {
    return `${subject} resolves to ${this.address}, ${KIND_TEXT[this.kind]}; ${this.hint}`
  }
}

/** Why a guarded request failed other than a refused address. */
export type OutboundFailure = 'timeout' | 'too-many-redirects' | 'bad-redirect' | 'bad-url'

/** An outbound request that timed out, redirected too often or to a non-HTTP URL, or had a bad URL. */
export class OutboundRequestError extends Error {
  constructor (readonly kind: OutboundFailure, readonly url: string, message: string) {
    super(message)
    this.name = 'OutboundRequestError'
  }
}
