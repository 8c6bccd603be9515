import { createServer } from 'node:http'

/** Baseline: bare node:http answering the same envelope as GET /session/status, no auth, no framework. */
const body = JSON.stringify({ code: 200, data: { Connected: true, LoggedIn: true }, success: true })
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`)
})
process.on('SIGTERM', () => { server.close(); process.exit(0) })
