import Router from '@koa/router'
import type { Middleware } from 'koa'
import type { z } from 'zod'
import type { AppContext, AppState } from './state.js'
import { coerceFormFields } from './form-fields.js'
import { parseInput } from './validate.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'
/** Who may call a route: the admin token, a user token, or anyone. */
export type RouteAuth = 'admin' | 'user' | 'none'
/**
 * How a route's body is read; `none` leaves it unread; `media` is JSON or multipart/form-data with a
 * `file` part; `json-get` reads JSON on GET too (wuzapi clients send `GET /group/info` with a body).
 */
export type BodyParserName = 'json' | 'media' | 'none' | 'json-get'

/** What a handler gets: the validated body and query, the path parameters and the router's services. */
export interface RouteRequest<D, B, Q> {
  ctx: AppContext
  deps: D
  body: B
  query: Q
  params: Record<string, string>
}

/**
 * One route as data: what it is (for the router and, later, the OpenAPI document) and the handler
 * that answers it. Kept in exported lists per router.
 */
export interface RouteDefinition<D = never> {
  readonly method: HttpMethod
  /** The full path, with `:name` parameters. */
  readonly path: string
  readonly summary: string
  readonly auth: RouteAuth
  readonly bodyParser: BodyParserName
  readonly body: z.ZodType | undefined
  readonly query: z.ZodType | undefined
  /** The answer's `data` (or the whole body when `envelope` is false). Documentation: never checked at runtime. */
  readonly response: z.ZodType
  /** false: the handler's value is the whole body (`GET /health`, as in wuzapi). */
  readonly envelope: boolean
  /** Constant top-level fields some wuzapi answers carry beside `data` (`message`, `details`). */
  readonly extra: Readonly<Record<string, string>>
  /** The success status, or a function of the handler's value. */
  readonly status: number | ((data: unknown) => number)
  readonly handler: (req: RouteRequest<D, any, any>) => unknown
  /** With the `media` parser: the body field whose data URL is streamed to a file instead of read into memory. */
  readonly mediaField: string | undefined
}

/** What a route is written with; everything after `response` has a default. */
export interface RouteSpec<D, B extends z.ZodType, Q extends z.ZodType> {
  method: HttpMethod
  path: string
  summary: string
  auth: RouteAuth
  body?: B
  query?: Q
  response: z.ZodType
  bodyParser?: BodyParserName
  envelope?: boolean
  extra?: Record<string, string>
  status?: number | ((data: unknown) => number)
  handler: (req: RouteRequest<D, z.output<B>, z.output<Q>>) => unknown
  mediaField?: string
}

/**
 * Returns `defineRoute` for routes whose handlers use services `D`: `const route = routesWith<Deps>()`,
 * then `route({ method, path, summary, auth, body, response, handler })`. The body is parsed with the
 * JSON parser unless the route picks another.
 */
export function routesWith<D> () {
  return function defineRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined> (spec: RouteSpec<D, B, Q>): RouteDefinition<D> {
    return {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      auth: spec.auth,
      bodyParser: spec.bodyParser ?? 'json',
      body: spec.body,
      query: spec.query,
      response: spec.response,
      envelope: spec.envelope ?? true,
      extra: spec.extra ?? {},
      status: spec.status ?? 200,
      handler: spec.handler as RouteDefinition<D>['handler'],
      mediaField: spec.mediaField
    }
  }
}

/** The middleware a route's `auth` and `bodyParser` names stand for. */
export interface RouteMounts {
  auth: Readonly<Record<RouteAuth, ReadonlyArray<Middleware<AppState>>>>
  parsers: Readonly<{ json: Middleware<AppState>, media: (mediaField: string | undefined) => Middleware<AppState>, jsonGet?: Middleware<AppState> }>
}

/** The handler middleware: validate (case-insensitive keys), call, answer in the envelope. */
export function routeHandler<D> (route: RouteDefinition<D>, deps: D): Middleware<AppState> {
  return async ctx => {
    // a multipart form's fields are text: read them as the schema types them
    const input: unknown = route.body !== undefined && ctx.state.upload?.origin === 'multipart' ? coerceFormFields(route.body, ctx.request.body as Record<string, string>) : ctx.request.body
    const body: unknown = route.body === undefined ? undefined : parseInput(route.body, input)
    const query: unknown = route.query === undefined ? undefined : parseInput(route.query, ctx.query)
    const data = await route.handler({ ctx, deps, body, query, params: ctx.params })
    const status = typeof route.status === 'function' ? route.status(data) : route.status
    ctx.status = status
    ctx.body = route.envelope ? { code: status, data, ...route.extra, success: true } : data
  }
}

/** A router answering `routes`: each one runs its auth check, then its body parser, then its handler. */
export function buildRoutes<D> (routes: ReadonlyArray<RouteDefinition<D>>, deps: D, mounts: RouteMounts): Router<AppState> {
  const router = new Router<AppState>()
  for (const route of routes) {
    const chain: Array<Middleware<AppState>> = [...mounts.auth[route.auth]]
    if (route.bodyParser === 'json') chain.push(mounts.parsers.json)
    if (route.bodyParser === 'media') chain.push(mounts.parsers.media(route.mediaField))
    if (route.bodyParser === 'json-get') chain.push(mounts.parsers.jsonGet ?? mounts.parsers.json)
    chain.push(routeHandler(route, deps))
    router.register(route.path, [route.method], chain)
  }
  return router
}
