/** What a sandbox call could not find or do, as a stable kind callers switch on (never on the message). */
export type SandboxErrorKind =
  | 'unknown_number'
  | 'unknown_recipient'
  | 'unknown_group'
  | 'unknown_target'
  | 'no_pairing_request'
  | 'no_qr_client'
  | 'invalid_qr'
  | 'pairing_aborted'
  | 'unknown_media'

/** A sandbox call refused because something it names does not exist (or no longer does). */
export class SandboxError extends Error {
  constructor (readonly kind: SandboxErrorKind, message: string) {
    super(message)
    this.name = 'SandboxError'
  }
}
