import { z } from 'zod'
import { ValidationError } from '../../errors.js'
import type { EventStreamService } from '../../services/event-stream.js'
import { routesWith } from '../route.js'
import { currentUser } from '../state.js'

export interface EventStreamDeps { eventStream: EventStreamService }

const route = routesWith<EventStreamDeps>()

const streamQuery = z.object({
  /** For clients that cannot send the `Last-Event-ID` header. */
  last_event_id: z.string().max(20).optional()
})

function resumeFrom (header: string, query: string | undefined): number | undefined {
  const raw = header !== '' ? header : query
  if (raw === undefined || raw === '') return undefined
  if (!/^\d{1,15}$/.test(raw.trim())) throw new ValidationError(`invalid Last-Event-ID "${raw}": must be the id of an event this stream sent`)
  return Number(raw.trim())
}

/** `GET /events/stream`: the user's events as Server-Sent Events, resumable with `Last-Event-ID`. */
export const eventStreamRoutes = [
  route({
    method: 'GET',
    path: '/events/stream',
    summary: 'The user\'s subscribed events as Server-Sent Events (resume with Last-Event-ID)',
    auth: 'user',
    bodyParser: 'none',
    envelope: false,
    query: streamQuery,
    response: z.string().describe('text/event-stream: `id: <seq>`, `event: <type>`, `data: <the webhook JSON body>`'),
    handler: ({ ctx, deps, query }) => {
      const after = resumeFrom(ctx.get('Last-Event-ID'), query.last_event_id)
      const { stream, close } = deps.eventStream.connect(currentUser(ctx).id, after)
      ctx.req.on('close', close)
      ctx.req.socket.setTimeout(0)
      ctx.req.socket.setNoDelay(true)
      ctx.set('Content-Type', 'text/event-stream; charset=utf-8')
      ctx.set('Cache-Control', 'no-cache, no-transform')
      ctx.set('X-Accel-Buffering', 'no')
      return stream
    }
  })
]
