import { PassThrough } from 'node:stream'
import type { EventRow, OutboxRepo } from '../db/repos/outbox.js'
import type { UsersRepo } from '../db/repos/users.js'
import { subscribed, type EmittedEventType } from '../events/catalogue.js'
import { webhookBody } from '../webhooks/request.js'
import type { EventsService } from './events.js'

const PAGE = 200
export const HEARTBEAT_MS = 15_000

/** One SSE message: `id` is the event's seq (what `Last-Event-ID` resumes from). */
export function sseMessage (row: EventRow): string {
  const data = webhookBody(row.payload, row.user_id, row.instance_name, 'json')
  return `id: ${row.seq}\nevent: ${row.type}\ndata: ${data}\n\n`
}

/** An open stream: what the HTTP layer sends, and how it ends it. */
export interface EventStream {
  stream: PassThrough
  close: () => void
}

/**
 * The live event stream (Server-Sent Events) for users who cannot expose a webhook: the same
 * events their webhook gets (subscribed types), read from the outbox, so a client that reconnects
 * with `Last-Event-ID` gets what it missed (as long as the outbox keeps it) and then live events.
 * Writes wait for the client to read (backpressure); a comment line every 15 s keeps proxies from
 * closing an idle stream.
 */
export class EventStreamService {
  private readonly open = new Set<EventStream>()

  constructor (private readonly outbox: OutboxRepo, private readonly users: UsersRepo, private readonly events: Pick<EventsService, 'watch'>) {}

  /**
   * Opens a stream of the user's events after `after` (a seq; undefined: only new events).
   */
  connect (userId: string, after: number | undefined): EventStream {
    const stream = new PassThrough()
    let last = after ?? this.outbox.lastSeq(userId)
    let pumping = false
    let again = false
    let closed = false

    const wanted = (type: string): boolean => {
      const events = this.users.byId(userId)?.events ?? ''
      return subscribed(events === '' ? [] : events.split(','), type as EmittedEventType)
    }
    const pump = (): void => {
      if (closed) return
      if (pumping) {
        again = true
        return
      }
      pumping = true
      try {
        for (;;) {
          again = false
          const rows = this.outbox.eventsAfter(userId, last, PAGE)
          for (const row of rows) {
            last = row.seq
            if (wanted(row.type) && !stream.write(sseMessage(row))) {
              pumping = false
              stream.once('drain', pump)
              return
            }
          }
          if (rows.length < PAGE && !again) break
        }
      } finally {
        if (pumping) pumping = false
      }
    }

    stream.write(': connected\n\n')
    const unwatch = this.events.watch(userId, () => { pump() })
    const heartbeat = setInterval(() => { if (!closed) stream.write(': keep-alive\n\n') }, HEARTBEAT_MS)
    const handle: EventStream = {
      stream,
      close: () => {
        if (closed) return
        closed = true
        clearInterval(heartbeat)
        unwatch()
        this.open.delete(handle)
        stream.end()
      }
    }
    stream.on('close', handle.close)
    this.open.add(handle)
    pump()
    return handle
  }

  /** Ends every open stream (at shutdown, so the HTTP listener can close at once). */
  closeAll (): void {
    for (const s of [...this.open]) s.close()
  }

  get openStreams (): number {
    return this.open.size
  }
}
