import type { ParameterizedContext } from 'koa'
import type { AuthUser } from '../services/auth.js'

/** What middleware puts on `ctx.state`. */
export interface AppState {
  requestId: string
  /** Set by the user-token middleware on user routes. */
  user?: AuthUser
  /** The token the user authenticated with (wuzapi echoes it in /session/status). */
  token?: string
  /** Set by the media body parser: the multipart `file` part, or the media field's data URL decoded; on disk until the response. */
  upload?: UploadedFile
}

/**
 * Media streamed to a temporary file: a multipart file part, or a JSON body's data URL (whose other
 * fields are JSON values, not form text to coerce).
 */
export interface UploadedFile { path: string, size: number, filename: string | undefined, mimetype: string | undefined, origin: 'multipart' | 'data-url' }

export type AppContext = ParameterizedContext<AppState>

/** The authenticated user of a user route (the middleware guarantees it is there). */
export function currentUser (ctx: AppContext): AuthUser {
  const user = ctx.state.user
  if (user === undefined) throw new Error('user route mounted without the user-token middleware')
  return user
}
