import { z } from 'zod'

/** `POST /session/connect`. */
export const connectSchema = z.object({
  Subscribe: z.array(z.string()).optional(),
  Immediate: z.boolean().optional()
})

/** `POST /session/pairphone`. */
export const pairPhoneSchema = z.object({
  Phone: z.string().trim().min(1)
})
