import type { UsersRepo } from '../db/repos/users.js'
import { NotFoundError } from '../errors.js'
import { parseEventList } from '../whatsapp/events.js'
import type { AuthService } from './auth.js'

/** A user's webhook settings. */
export interface WebhookSettings {
  webhook: string
  events: string[]
}

function split (csv: string): string[] {
  return csv === '' ? [] : csv.split(',')
}

/**
 * The `/webhook` use-cases. Unlike wuzapi, changing the URL never silently clears the subscription
 * (its issue #305); unknown event names are dropped as wuzapi does.
 */
export class WebhookConfigService {
  constructor (private readonly users: UsersRepo, private readonly auth: AuthService) {}

  get (userId: string): WebhookSettings {
    const row = this.users.byId(userId)
    if (row === undefined) throw new NotFoundError('user not found')
    return { webhook: row.webhook, events: split(row.events) }
  }

  /** Sets the URL and, when given, the subscribed events. */
  set (userId: string, webhook: string | undefined, events: string | string[] | undefined): WebhookSettings {
    const changes: { webhook?: string, events?: string } = {}
    if (webhook !== undefined) changes.webhook = webhook
    if (events !== undefined) changes.events = parseEventList(events).events.join(',')
    this.users.update(userId, changes)
    this.auth.invalidate(userId)
    return this.get(userId)
  }

  /** Removes the URL and the subscription. */
  clear (userId: string): void {
    this.users.update(userId, { webhook: '', events: '' })
    this.auth.invalidate(userId)
  }
}
