import { z } from 'zod'

export const scanSchema = z.object({ UserID: z.string().min(1), Phone: z.string().min(1) })
export const pairSchema = z.object({ Code: z.string().min(1), Phone: z.string().min(1).optional() })
export const createPhoneSchema = z.object({ Phone: z.string().min(1), PushName: z.string().optional() })
export const phoneSendSchema = z.object({ To: z.string().min(1), Body: z.string().min(1) })
export const faultSchema = z.object({ UserID: z.string().min(1), Kind: z.string().min(1) })
