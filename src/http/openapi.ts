import { z } from 'zod'
import { ERROR_REASONS } from '../errors.js'
import type { RouteDefinition } from './route.js'

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) or any other JSON object of the document. */
export type JsonObject = Record<string, unknown>

export interface OpenApiInfo { title: string, version: string, description?: string }

/** `/admin/users/:id` → `/admin/users/{id}` (OpenAPI's path template). */
export function openApiPath (path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function pathParams (path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map(m => m[1] ?? '')
}

/**
 * A zod schema as JSON Schema: what a client sends (`input`: before transforms and defaults) or
 * what it gets (`output`). Anything JSON Schema cannot say (a transform's result, a custom check)
 * becomes `{}` (any value) rather than failing the whole document.
 */
export function jsonSchema (schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', reused: 'inline', cycles: 'ref' }) as JsonObject
  delete out.$schema
  return out
}

const ERROR_ENVELOPE: JsonObject = {
  type: 'object',
  description: 'The wuzapi error envelope; `reason` is a stable machine-readable name, `error` is for people.',
  properties: {
    code: { type: 'integer', description: 'The HTTP status again' },
    error: { type: 'string' },
    success: { const: false },
    reason: { type: 'string', enum: [...ERROR_REASONS] }
  },
  required: ['code', 'error', 'success']
}

/** Values for a field by its name, so generated examples read like real requests. */
const NAMED_EXAMPLES: ReadonlyArray<[RegExp, unknown]> = [
  [/^(phone|number)$/i, '5491155554444'],
  [/jid$|^(chat|group|participant|sender)$/i, '5491155554444@s.whatsapp.net'],
  [/url$|^webhook$/i, 'https://example.com/webhook'],
  [/^(image|audio|video|document|sticker)$/i, 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ...'],
  [/^(body|text|caption|message|details)$/i, 'Hello'],
  [/^(id|messageid|stanzaid)$/i, '3EB0C767D26A1D7A3B20'],
  [/^token$/i, 'a-user-token'],
  [/^name$/i, 'Ana'],
  [/^events$/i, 'Message,ReadReceipt']
]

/**
 * An example value for a schema: its own `examples`/`default`/`const`/first enum value, else one
 * made up from the field's name and type. Optional fields are left out to keep examples short.
 */
export function exampleOf (schema: unknown, name = '', depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 6) return undefined
  const s = schema as JsonObject
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]
  if (s.const !== undefined) return s.const
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]
  if (s.default !== undefined) return s.default
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined
  if (Array.isArray(branches)) return exampleOf(branches.find(b => (b as JsonObject).type !== 'null') ?? branches[0], name, depth + 1)
  switch (s.type) {
    case 'object': {
      const out: JsonObject = {}
      const required = new Set((s.required ?? []) as string[])
      for (const [key, sub] of Object.entries((s.properties ?? {}) as JsonObject)) {
        if (required.has(key) || depth === 0) out[key] = exampleOf(sub, key, depth + 1)
      }
      return out
    }
    case 'array': return [exampleOf(s.items, name, depth + 1)]
    case 'integer':
    case 'number': return typeof s.minimum === 'number' ? s.minimum : 1
    case 'boolean': return true
    case 'string': {
      const named = NAMED_EXAMPLES.find(([re]) => re.test(name))
      if (named !== undefined) return named[1]
      if (s.format === 'date-time') return '2025-01-01T00:00:00.000Z'
      return 'string'
    }
    case 'null': return null
    default: return undefined
  }
}

function errorResponse (description: string): JsonObject {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
}

/** The error answers every route of an `auth` kind can give, besides its own. */
function errorResponses (route: RouteDefinition): JsonObject {
  const responses: JsonObject = {}
  if (route.body !== undefined || route.query !== undefined || pathParams(route.path).length > 0) responses['400'] = errorResponse('Bad input: the message says which field and what to fix')
  if (route.auth !== 'none') {
    responses['401'] = errorResponse(route.auth === 'admin' ? 'Missing or wrong admin token' : 'Missing or unknown user token')
    responses['429'] = { ...errorResponse('Too many requests for this token (RATE_LIMIT_PER_MINUTE); wait Retry-After seconds'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } }
  }
  if (route.bodyParser === 'media') {
    responses['413'] = errorResponse('The body or the media file is larger than the limit (BODY_LIMIT, MEDIA_MAX_*)')
    responses['503'] = { ...errorResponse('Too many large media requests at once (MEDIA_MAX_CONCURRENT); retry after Retry-After seconds'), headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } }
  }
  if (route.bodyParser === 'json' || route.bodyParser === 'json-get') responses['413'] ??= errorResponse('The body is larger than BODY_LIMIT')
  responses['500'] = errorResponse('Internal error (the message names the request id to look for in the log)')
  return responses
}

function successStatus (route: RouteDefinition): string {
  return typeof route.status === 'number' ? String(route.status) : '200'
}

/** What a successful answer looks like: `{code, data, success}` around the route's response, or the bare response. */
function successSchema (route: RouteDefinition, data: JsonObject): JsonObject {
  if (!route.envelope) return data
  const properties: JsonObject = { code: { type: 'integer', examples: [Number(successStatus(route))] }, data, success: { const: true } }
  for (const [key, value] of Object.entries(route.extra)) properties[key] = { type: 'string', const: value }
  return { type: 'object', properties, required: ['code', 'data', 'success'] }
}

function contentType (route: RouteDefinition, data: JsonObject): string {
  if (route.path === '/events/stream') return 'text/event-stream'
  if (!route.envelope && data.type === 'string') return typeof data.contentMediaType === 'string' ? data.contentMediaType : 'text/plain'
  return 'application/json'
}

function queryParameters (route: RouteDefinition): JsonObject[] {
  if (route.query === undefined) return []
  const schema = jsonSchema(route.query, 'input')
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>
  const required = new Set((schema.required ?? []) as string[])
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s
  }))
}

function requestBody (route: RouteDefinition): JsonObject | undefined {
  if (route.body === undefined) return undefined
  const schema = jsonSchema(route.body, 'input')
  const content: JsonObject = { 'application/json': { schema, example: exampleOf(schema) } }
  if (route.bodyParser === 'media') {
    const properties = { ...(schema.properties as JsonObject | undefined ?? {}), file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The media file (instead of a base64 data URL in the JSON field)' } }
    content['multipart/form-data'] = { schema: { type: 'object', properties } }
  }
  return {
    required: route.method !== 'GET' && route.method !== 'DELETE',
    description: 'JSON keys are matched case-insensitively, as wuzapi (Go) does.',
    content
  }
}

function security (route: RouteDefinition): JsonObject[] {
  if (route.auth === 'admin') return [{ AdminToken: [] }]
  if (route.auth === 'user') return [{ UserToken: [] }, { UserTokenQuery: [] }]
  return []
}

function operationId (route: RouteDefinition): string {
  const words = route.path.split(/[/_-]+/).filter(w => w !== '').map(w => w.startsWith(':') ? 'by' + w.slice(1) : w)
  return [route.method.toLowerCase(), ...words].map((w, i) => i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)).join('')
}

function operation (route: RouteDefinition, tag: string): JsonObject {
  const data = jsonSchema(route.response, 'output')
  const success = successSchema(route, data)
  const parameters = [
    ...pathParams(route.path).map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...queryParameters(route)
  ]
  const op: JsonObject = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [tag],
    security: security(route)
  }
  if (parameters.length > 0) op.parameters = parameters
  const body = requestBody(route)
  if (body !== undefined) op.requestBody = body
  op.responses = {
    [successStatus(route)]: { description: 'Success', content: { [contentType(route, data)]: { schema: success, ...(success.type === 'object' ? { example: exampleOf(success) } : {}) } } },
    ...errorResponses(route)
  }
  return op
}

/**
 * The OpenAPI 3.1 document of the given routes (one source of truth: the routes' own schemas),
 * grouped by `tag` (the ROUTE_TABLE key). Built once when the server starts.
 */
export function buildOpenApi (routesByTag: Readonly<Record<string, ReadonlyArray<RouteDefinition>>>, info: OpenApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const [tag, routes] of Object.entries(routesByTag)) {
    for (const route of routes) {
      const item = paths[openApiPath(route.path)] ??= {}
      item[route.method.toLowerCase()] = operation(route, tag)
    }
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    tags: Object.keys(routesByTag).map(name => ({ name })),
    paths,
    components: {
      schemas: { Error: ERROR_ENVELOPE },
      securitySchemes: {
        UserToken: { type: 'apiKey', in: 'header', name: 'Token', description: 'A user\'s token (also accepted as `Authorization`)' },
        UserTokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'A user\'s token as a query parameter' },
        AdminToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The admin token (ADMIN_TOKEN), bare or as `Bearer <token>`' }
      }
    }
  }
}
