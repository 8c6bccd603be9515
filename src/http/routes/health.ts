import type { HealthService } from '../../services/health.js'
import { routesWith } from '../route.js'
import { healthResponse } from '../schemas/health.js'

export interface HealthDeps { health: HealthService }

const route = routesWith<HealthDeps>()

/** `GET /health`: no auth and, as in wuzapi, no envelope. 503 when the database does not answer. */
export const healthRoutes = [
  route({
    method: 'GET',
    path: '/health',
    summary: 'Server health',
    auth: 'none',
    bodyParser: 'none',
    envelope: false,
    response: healthResponse,
    status: report => (report as { status: string }).status === 'ok' ? 200 : 503,
    handler: ({ deps }) => deps.health.report()
  })
]
