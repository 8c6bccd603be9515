import type { ErrorReason } from '../errors.js'
import type { Context } from 'koa'

/** The wuzapi success envelope: `{"code":200,"data":{...},"success":true}`. */
export function ok (ctx: Context, data: unknown, status = 200): void {
  ctx.status = status
  ctx.body = { code: status, data, success: true }
}

/**
 * The wuzapi error envelope `{"code":N,"error":"...","success":false}`, plus our `reason` and any
 * extra fields (wuzapi clients ignore what they do not know).
 */
export function errorBody (status: number, message: string, reason: ErrorReason, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { code: status, error: message, success: false, reason, ...extra }
}
