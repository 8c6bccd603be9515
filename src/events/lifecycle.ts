import type { SessionEvent } from '../whatsapp/types.js'
import type { WebhookEvent } from './catalogue.js'

/** The webhook event of a session lifecycle event, if it has one (placeholder: filled by the lifecycle mapping). */
export function lifecycleEvent (_event: SessionEvent): WebhookEvent | undefined {
  return undefined
}
