import type { SessionSnapshot } from '../whatsapp/types.js'

export type { SessionSnapshot } from '../whatsapp/types.js'

/** The session side as seen by services that do not run sessions themselves (the registry implements it). */
export interface SessionPort {
  /** The user's session state; never creates or starts a session. */
  peek (userId: string): SessionSnapshot
  /** Counts of live sessions by state, for /health. */
  countsByState (): Record<string, number>
  /**
   * Ends a deleted user's session (logging it out on the phone side) and runs `removeUser` under
   * the user's lock, so no session can start for the user in between.
   */
  destroy (userId: string, removeUser: () => void): Promise<void>
}
