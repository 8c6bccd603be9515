/** What the user and health services need to know about a user's WhatsApp session. */
export interface SessionSnapshot {
  /** Our state name, e.g. `disconnected`, `connecting`, `qr`, `connected`, `logged_out`. */
  state: string
  connected: boolean
  loggedIn: boolean
  /** The current QR code as a PNG data URL, or '' when none. */
  qrcode: string
}

/**
 * The session side as seen by services that do not run sessions themselves. The session registry
 * implements it; until a user's session has been started it reports `disconnected`.
 */
export interface SessionPort {
  snapshot (userId: string): SessionSnapshot
  /** Counts of sessions by state, for /health. */
  countsByState (): Record<string, number>
  /** Ends a deleted user's session: logs it out on the phone side and wipes its WhatsApp data. */
  destroy (userId: string): Promise<void>
}

/** The port used before any session exists: every user is disconnected. */
export const NO_SESSIONS: SessionPort = {
  snapshot: () => ({ state: 'disconnected', connected: false, loggedIn: false, qrcode: '' }),
  countsByState: () => ({}),
  destroy: async () => {}
}
