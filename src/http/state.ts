import type { ParameterizedContext } from 'koa'
import type { AuthUser } from '../services/auth.js'

/** What middleware puts on `ctx.state`. */
export interface AppState {
  requestId: string
  /** Set by the user-token middleware on user routes. */
  user?: AuthUser
  /** The token the user authenticated with (wuzapi echoes it in /session/status). */
  token?: string
  /** Set by the media body parser for a multipart request: the `file` part, on disk until the response. */
  upload?: UploadedFile
}

/** A multipart file part streamed to a temporary file. */
export interface UploadedFile { path: string, size: number, filename: string | undefined, mimetype: string | undefined }

export type AppContext = ParameterizedContext<AppState>

/** The authenticated user of a user route (the middleware guarantees it is there). */
export function currentUser (ctx: AppContext): AuthUser {
  const user = ctx.state.user
  if (user === undefined) throw new Error('user route mounted without the user-token middleware')
  return user
}
