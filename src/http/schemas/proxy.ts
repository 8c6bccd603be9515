import { z } from 'zod'
import { LIMITS, text } from './common.js'

/** `POST /session/proxy` (wuzapi's snake_case keys). */
export const proxySchema = z.object({ proxy_url: text(LIMITS.url).optional(), enable: z.boolean().optional() })
export const proxyResponse = z.object({ Details: z.string(), ProxyURL: z.string().optional() })
