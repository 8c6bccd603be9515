import { createReadStream } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { z } from 'zod'
import { NotFoundError } from '../../errors.js'
import { routesWith } from '../route.js'

export interface DocsDeps {
  /** The OpenAPI document as JSON text (built once, when first asked for). */
  openapi: () => string
}

const route = routesWith<DocsDeps>()

/** swagger-ui-dist's folder in node_modules: the page works offline, no CDN. */
const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))

/** The only files of swagger-ui-dist served, and their types. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png'
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>wuzapi-ts API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  })
}
</script>
</body>
</html>
`

/** `GET /openapi.json`, `GET /docs` (Swagger UI) and its assets: no auth, no envelope. */
export const docsRoutes = [
  route({
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document (generated from the routes\' own schemas)',
    auth: 'none',
    bodyParser: 'none',
    envelope: false,
    response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document'),
    handler: ({ ctx, deps }) => {
      ctx.type = 'application/json; charset=utf-8'
      return deps.openapi()
    }
  }),
  route({
    method: 'GET',
    path: '/docs',
    summary: 'Interactive API reference (Swagger UI, served from this server)',
    auth: 'none',
    bodyParser: 'none',
    envelope: false,
    response: z.string().meta({ contentMediaType: 'text/html' }),
    handler: ({ ctx }) => {
      ctx.type = 'text/html; charset=utf-8'
      return PAGE
    }
  }),
  route({
    method: 'GET',
    path: '/docs/:file',
    summary: 'A file of the API reference page (swagger-ui-dist)',
    auth: 'none',
    bodyParser: 'none',
    envelope: false,
    response: z.string().meta({ contentMediaType: 'application/octet-stream' }),
    handler: ({ ctx, params }) => {
      const file = params.file ?? ''
      const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined
      if (type === undefined) throw new NotFoundError(`no file ${file} in the API reference: the page is at /docs`)
      ctx.type = type
      ctx.set('Cache-Control', 'public, max-age=86400')
      return createReadStream(path.join(SWAGGER_DIR, file))
    }
  })
]
