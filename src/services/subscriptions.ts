import type { UserChanges, UsersRepo } from '../db/repos/users.js'
import { NotFoundError, ValidationError } from '../errors.js'
import { BlockedAddressError, OutboundRequestError } from '../net/errors.js'
import type { OutboundGuard } from '../net/outbound-guard.js'
import { parseEventList } from '../events/catalogue.js'

/** A user's webhook settings. */
export interface WebhookSettings {
  webhook: string
  events: string[]
  /** The body format of the user's deliveries. */
  format: 'json' | 'form'
  /** wuzapi's media_delivery: 'base64' embeds received media in Message webhooks; '' does not. */
  media_delivery: string
}

/** Webhook URL and subscribed events as a caller gives them; absent fields are left alone. */
export interface SubscriptionInput {
  webhook?: string
  events?: string | readonly string[]
  /** 'json', 'form', or '' for the server's default. */
  format?: string
  /** 'base64' or ''. */
  mediaDelivery?: string
}

function split (csv: string): string[] {
  return csv === '' ? [] : csv.split(',')
}

/**
 * The one owner of `users.webhook` and `users.events`: every route that sets them (`/webhook`,
 * the admin user routes, `/session/connect`'s `Subscribe`) validates them here, so an unknown
 * event name or an internal webhook address is refused the same way everywhere.
 * Unlike wuzapi, an unknown event is a 400 rather than silently dropped, and changing the URL
 * never clears the subscription (its issue #305).
 */
export class SubscriptionsService {
  constructor (private readonly users: UsersRepo, private readonly guard: Pick<OutboundGuard, 'checkUrl'>, private readonly defaultFormat: 'json' | 'form' = 'json') {}

  get (userId: string): WebhookSettings {
    const row = this.users.byId(userId)
    if (row === undefined) throw new NotFoundError('user not found')
    const format = row.webhook_format === 'json' || row.webhook_format === 'form' ? row.webhook_format : this.defaultFormat
    return { webhook: row.webhook, events: split(row.events), format, media_delivery: row.media_delivery }
  }

  /**
   * Validates and normalises a URL and event list into the user-row columns; throws a 400 naming
   * the unknown event or the internal address. For callers that write other columns in the same update.
   */
  changes (input: SubscriptionInput): Pick<UserChanges, 'webhook' | 'events' | 'webhook_format' | 'media_delivery'> {
    const changes: Pick<UserChanges, 'webhook' | 'events' | 'webhook_format' | 'media_delivery'> = {}
    if (input.mediaDelivery !== undefined) {
      const mode = input.mediaDelivery.trim().toLowerCase()
      if (mode !== '' && mode !== 'base64') throw new ValidationError(`invalid media_delivery "${input.mediaDelivery}": use "base64" (embed received media in Message webhooks) or "" (download fields only)`)
      changes.media_delivery = mode
    }
    if (input.webhook !== undefined) changes.webhook = this.webhookUrl(input.webhook)
    if (input.events !== undefined) changes.events = eventsCsv(input.events)
    if (input.format !== undefined) {
      const format = input.format.trim().toLowerCase()
      if (format !== '' && format !== 'json' && format !== 'form') throw new ValidationError(`invalid format "${input.format}": use "json" or "form"`)
      changes.webhook_format = format
    }
    return changes
  }

  /** Sets the URL and, when given, the subscribed events. */
  set (userId: string, input: SubscriptionInput): WebhookSettings {
    this.users.update(userId, this.changes(input))
    return this.get(userId)
  }

  /** Removes the URL and the subscription. */
  clear (userId: string): void {
    this.users.update(userId, { webhook: '', events: '' })
  }

  /**
   * `/session/connect`'s `Subscribe`: replaces the subscription when names are given; keeps it when
   * `Subscribe` is absent or empty (as wuzapi does since its issue #305; clear it with `DELETE /webhook`).
   */
  subscribeOnConnect (userId: string, names: readonly string[] | undefined): void {
    if (names === undefined || names.length === 0) return
    this.users.update(userId, { events: eventsCsv(names) })
  }

  private webhookUrl (raw: string): string {
    const url = raw.trim()
    if (url === '') return ''
    try {
      this.guard.checkUrl(url)
    } catch (err) {
      if (err instanceof BlockedAddressError) throw new ValidationError(err.explain('webhook URL'))
      if (err instanceof OutboundRequestError) throw new ValidationError('invalid webhook: must be an absolute http:// or https:// URL')
      throw err
    }
    return url
  }
}

/** wuzapi's error for an unknown name: `{"error":"invalid event type","details":"invalid event: Foo"}`. */
function eventsCsv (input: string | readonly string[]): string {
  const { events, unknown } = parseEventList(input)
  if (unknown.length > 0) throw new ValidationError('invalid event type', { details: `invalid event: ${unknown.join(', ')}` })
  return events.join(',')
}
