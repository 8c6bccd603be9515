import type Router from '@koa/router'
import type { Middleware } from 'koa'
import { z } from 'zod'
import { buildOpenApi, jsonSchema, openApiPath, type JsonObject } from '../../src/http/openapi.js'
import { routesWith } from '../../src/http/route.js'
import { buildRouter, ROUTE_TABLE, type RouteDeps } from '../../src/http/routes/index.js'
import type { AppState } from '../../src/http/state.js'

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options']

/** The router of the whole API, sandbox routes included; handlers are never called, so the services are not needed. */
function apiRouter (): Router<AppState> {
  const pass: Middleware<AppState> = async (_ctx, next) => { await next() }
  return buildRouter({ sandbox: {}, parsers: { json: pass, jsonGet: pass, media: () => pass } } as unknown as RouteDeps)
}

/** `METHOD /path/{param}` of every route the Koa router answers (HEAD is Koa's own twin of GET). */
function registered (router: Router<AppState>): string[] {
  const keys = new Set<string>()
  for (const layer of router.stack) {
    for (const method of layer.methods) if (method !== 'HEAD') keys.add(`${method} ${openApiPath(String(layer.path))}`)
  }
  return [...keys].sort()
}

function documented (doc: JsonObject): string[] {
  const keys: string[] = []
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) keys.push(`${method.toUpperCase()} ${path}`)
  }
  return keys.sort()
}

/** A JSON Schema is an object (or boolean) whose subschema keywords are schemas too; `$ref`s point inside the document. */
function checkSchema (schema: unknown, where: string, doc: JsonObject, problems: string[]): void {
  if (typeof schema === 'boolean') return
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    problems.push(`${where}: not a schema: ${JSON.stringify(schema)}`)
    return
  }
  const s = schema as Record<string, unknown>
  if (typeof s.$ref === 'string') {
    const target = s.$ref.startsWith('#/') ? s.$ref.slice(2).split('/').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], doc) : undefined
    // a local `#` or `#/$defs/...` ref inside a schema is relative to that schema: only the document's components are checked here
    if (s.$ref.startsWith('#/components/') && target === undefined) problems.push(`${where}: dangling $ref ${s.$ref}`)
  }
  if (s.type !== undefined && !['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'].includes(String(s.type)) && !Array.isArray(s.type)) problems.push(`${where}: bad type ${String(s.type)}`)
  for (const key of ['items', 'additionalProperties', 'not', 'propertyNames', 'contains']) if (s[key] !== undefined) checkSchema(s[key], `${where}.${key}`, doc, problems)
  for (const key of ['properties', '$defs', 'patternProperties']) {
    if (s[key] === undefined) continue
    for (const [name, sub] of Object.entries(s[key] as Record<string, unknown>)) checkSchema(sub, `${where}.${key}.${name}`, doc, problems)
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    if (s[key] === undefined) continue
    if (!Array.isArray(s[key])) problems.push(`${where}.${key}: not a list`)
    else (s[key] as unknown[]).forEach((sub, i) => { checkSchema(sub, `${where}.${key}[${i}]`, doc, problems) })
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every(r => typeof r === 'string'))) problems.push(`${where}.required: not a list of names`)
}

/** What makes the document structurally valid OpenAPI 3.1, checked by hand (no validator is installed). */
function problemsOf (doc: JsonObject): string[] {
  const problems: string[] = []
  const schemes = Object.keys((doc.components as { securitySchemes: Record<string, unknown> }).securitySchemes)
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, JsonObject>>)) {
    if (!path.startsWith('/') || path.includes(':')) problems.push(`${path}: not an OpenAPI path template`)
    const templated = [...path.matchAll(/\{(\w+)\}/g)].map(m => m[1])
    for (const [method, op] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`
      if (!METHODS.includes(method)) problems.push(`${where}: unknown method`)
      if (typeof op.summary !== 'string' || op.summary === '') problems.push(`${where}: no summary`)
      const params = (op.parameters ?? []) as JsonObject[]
      for (const name of templated) if (!params.some(p => p.in === 'path' && p.name === name && p.required === true)) problems.push(`${where}: path parameter ${name ?? ''} not declared`)
      for (const p of params) {
        if (!['path', 'query', 'header', 'cookie'].includes(String(p.in))) problems.push(`${where}: parameter ${String(p.name)} in ${String(p.in)}`)
        checkSchema(p.schema, `${where} parameter ${String(p.name)}`, doc, problems)
      }
      const body = op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined
      for (const [type, media] of Object.entries(body?.content ?? {})) checkSchema(media.schema, `${where} body ${type}`, doc, problems)
      const responses = op.responses as Record<string, { description?: unknown, content?: Record<string, { schema: unknown }> }> | undefined
      if (responses === undefined || Object.keys(responses).length === 0) problems.push(`${where}: no responses`)
      for (const [status, res] of Object.entries(responses ?? {})) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${where}: bad status ${status}`)
        if (typeof res.description !== 'string') problems.push(`${where} ${status}: no description`)
        for (const [type, media] of Object.entries(res.content ?? {})) checkSchema(media.schema, `${where} ${status} ${type}`, doc, problems)
      }
      for (const requirement of (op.security ?? []) as JsonObject[]) for (const name of Object.keys(requirement)) if (!schemes.includes(name)) problems.push(`${where}: unknown security scheme ${name}`)
    }
  }
  return problems
}

describe('the OpenAPI document', () => {
  const doc = buildOpenApi(ROUTE_TABLE, { title: 'test', version: '0' })

  it('documents exactly the routes the Koa router answers', () => {
    const answered = registered(apiRouter())
    expect(answered.length).toBeGreaterThan(80)
    expect(answered).toContain('GET /docs/{file}')
    expect(documented(doc)).toEqual(answered)
  })

  it('has every route of the table (none lost to a path written twice)', () => {
    const table = Object.values(ROUTE_TABLE).flat().map(r => `${r.method} ${openApiPath(r.path)}`).sort()
    expect(documented(doc)).toEqual(table)
  })

  it('is structurally valid OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0')
    expect(problemsOf(doc)).toEqual([])
  })

  it('an operation: body, query and path parameters, the envelope, errors and security', () => {
    const paths = doc.paths as Record<string, Record<string, any>>
    const send = paths['/chat/send/text']?.post
    expect(send.security).toEqual([{ UserToken: [] }, { UserTokenQuery: [] }])
    expect(send.requestBody.content['application/json'].schema.properties).toHaveProperty('Phone')
    const ok = send.responses['200'].content['application/json'].schema
    expect(ok.required).toEqual(['code', 'data', 'success'])
    expect(ok.properties.data.type).toBe('object')
    expect(send.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' })
    expect(send.responses['429'].headers).toHaveProperty('Retry-After')

    const user = paths['/admin/users/{id}']?.get
    expect(user.security).toEqual([{ AdminToken: [] }])
    expect(user.parameters).toContainEqual({ name: 'id', in: 'path', required: true, schema: { type: 'string' } })

    const stream = paths['/events/stream']?.get
    expect(stream.parameters).toContainEqual(expect.objectContaining({ name: 'last_event_id', in: 'query', required: false }))

    const health = paths['/health']?.get
    expect(health.security).toEqual([])
    expect(health.responses['200'].content['application/json'].schema.properties).toHaveProperty('status')

    const image = paths['/chat/send/image']?.post
    expect(Object.keys(image.requestBody.content)).toEqual(['application/json', 'multipart/form-data'])
    expect(image.responses['503'].headers).toHaveProperty('Retry-After')
  })

  it('a schema JSON Schema cannot say (a transform) becomes "any value" instead of failing', () => {
    const route = routesWith<never>()
    const odd = [route({
      method: 'POST',
      path: '/odd/:id',
      summary: 'odd',
      auth: 'none',
      body: z.object({ When: z.string().transform(s => new Date(s)) }),
      response: z.object({ at: z.date(), n: z.bigint() }),
      handler: () => ({})
    })]
    const built = buildOpenApi({ odd }, { title: 't', version: '0' })
    expect(problemsOf(built)).toEqual([])
    expect(jsonSchema(z.object({ a: z.string() }), 'input')).toEqual({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] })
  })
})

describe('examples', () => {
  const doc = buildOpenApi(ROUTE_TABLE, { title: 'test', version: '0' }) as any

  it('a request body example reads like a real request and passes the route\'s own schema', () => {
    const example = doc.paths['/chat/send/text'].post.requestBody.content['application/json'].example
    expect(example).toMatchObject({ Phone: '5491155554444', Body: 'Hello' })
    const route = ROUTE_TABLE.chat?.find(r => r.path === '/chat/send/text')
    expect(route?.body?.safeParse(example).success).toBe(true)
  })

  it('a success example is in the envelope', () => {
    const example = doc.paths['/chat/send/text'].post.responses['200'].content['application/json'].example
    expect(example).toMatchObject({ code: 200, success: true, data: { Details: 'Hello', Id: '3EB0C767D26A1D7A3B20' } })
  })
})
