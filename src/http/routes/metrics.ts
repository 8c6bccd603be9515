import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'
import { UnauthorizedError } from '../../errors.js'
import type { MetricsService } from '../../services/metrics.js'
import { routesWith } from '../route.js'

export interface MetricsDeps {
  metrics: MetricsService
  /** `METRICS_TOKEN`: when set, scrapes must send `Authorization: Bearer <it>`. */
  metricsToken: string | undefined
}

const route = routesWith<MetricsDeps>()

function same (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** `GET /metrics`: Prometheus text exposition; open unless METRICS_TOKEN is set. */
export const metricsRoutes = [
  route({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN> when that is set)',
    auth: 'none',
    bodyParser: 'none',
    envelope: false,
    response: z.string().meta({ contentMediaType: 'text/plain' }).describe('Prometheus text format 0.0.4'),
    handler: async ({ ctx, deps }) => {
      const expected = deps.metricsToken
      if (expected !== undefined) {
        const given = /^Bearer\s+(.+)$/i.exec(ctx.get('Authorization'))?.[1]?.trim() ?? ''
        if (!same(given, expected)) throw new UnauthorizedError('unauthorized: send Authorization: Bearer <METRICS_TOKEN>')
      }
      ctx.type = deps.metrics.contentType
      return await deps.metrics.text()
    }
  })
]
