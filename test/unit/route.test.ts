import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Koa from 'koa'
import { pino } from 'pino'
import { z } from 'zod'
import { jsonBody } from '../../src/http/middleware/body.js'
import { errorHandler } from '../../src/http/middleware/error-handler.js'
import { buildRoutes, routesWith, type RouteMounts } from '../../src/http/route.js'
import { ROUTE_TABLE } from '../../src/http/routes/index.js'
import type { AppState } from '../../src/http/state.js'

describe('the route table', () => {
  const all = Object.entries(ROUTE_TABLE).flatMap(([router, routes]) => routes.map(r => [`${router}: ${r.method} ${r.path}`, r] as const))

  it('has routes from every router', () => {
    expect(Object.keys(ROUTE_TABLE).sort()).toEqual(['admin', 'chat', 'chatActions', 'chatDownload', 'chatMedia', 'deliveries', 'docs', 'eventStream', 'group', 'health', 'history', 'metrics', 'proxy', 'sandbox', 'session', 'user', 'webhook'])
    for (const routes of Object.values(ROUTE_TABLE)) expect(routes.length).toBeGreaterThan(0)
  })

  it.each(all)('%s has a summary and a response schema', (_name, route) => {
    expect(route.summary).not.toBe('')
    expect(route.response).toBeInstanceOf(z.ZodType)
    expect(route.path).toMatch(/^\//)
  })

  it('has no path defined twice for one method', () => {
    const keys = all.map(([name]) => name.replace(/^\w+: /, ''))
    expect(new Set(keys).size).toBe(keys.length)
  })
})

describe('routesWith / buildRoutes', () => {
  const route = routesWith<{ greet: (name: string) => string }>()
  const routes = [
    route({
      method: 'POST',
      path: '/hello/:who',
      summary: 'test',
      auth: 'none',
      body: z.object({ Name: z.string().max(5), Count: z.number().optional() }),
      query: z.object({ Lang: z.string().optional() }),
      response: z.object({ text: z.string() }),
      handler: ({ deps, body, query, params }) => ({ text: `${deps.greet(body.Name)} x${body.Count ?? 1} ${query.Lang ?? '-'} ${params.who ?? ''}` })
    }),
    route({
      method: 'GET',
      path: '/raw',
      summary: 'test',
      auth: 'none',
      envelope: false,
      status: () => 203,
      response: z.object({ ok: z.boolean() }),
      handler: () => ({ ok: true })
    }),
    route({
      method: 'DELETE',
      path: '/gone',
      summary: 'test',
      auth: 'admin',
      extra: { details: 'done' },
      response: z.object({}),
      handler: () => ({})
    })
  ]
  const mounts: RouteMounts = {
    auth: { none: [], user: [], admin: [async (ctx, next) => { ctx.set('X-Auth', 'admin'); await next() }] },
    parsers: { json: jsonBody(1024), media: () => jsonBody(1024) }
  }
  let server: Server
  let base: string
  beforeAll(async () => {
    const app = new Koa<AppState>()
    app.use(errorHandler(pino({ level: 'silent' }), 1024))
    app.use(buildRoutes(routes, { greet: (n: string) => `hi ${n}` }, mounts).routes())
    server = app.listen(0, '127.0.0.1')
    await new Promise(resolve => server.once('listening', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => { await new Promise(resolve => server.close(resolve)) })

  it('validates the body and the query with case-insensitive keys and answers in the envelope', async () => {
    const res = await fetch(`${base}/hello/bob?lang=es`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"name":"ann","COUNT":2}' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ code: 200, data: { text: 'hi ann x2 es bob' }, success: true })
  })

  it('answers a 400 naming the field when the body does not match', async () => {
    const res = await fetch(`${base}/hello/bob`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"Name":"toolong"}' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 400, success: false, reason: 'invalid_input', error: expect.stringMatching(/^invalid Name: /) })
  })

  it('answers a 400 naming the field when the query does not match', async () => {
    const res = await fetch(`${base}/hello/bob?LANG=a&LANG=b`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"Name":"ann"}' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ reason: 'invalid_input', error: expect.stringMatching(/^invalid Lang: /) })
  })

  it('answers without the envelope and with the computed status when asked', async () => {
    const res = await fetch(`${base}/raw`)
    expect(res.status).toBe(203)
    expect(await res.json()).toEqual({ ok: true })
  })

  it('runs the route\'s auth middleware and adds the constant extra fields', async () => {
    const res = await fetch(`${base}/gone`, { method: 'DELETE' })
    expect(res.headers.get('x-auth')).toBe('admin')
    expect(await res.json()).toEqual({ code: 200, data: {}, details: 'done', success: true })
  })
})
