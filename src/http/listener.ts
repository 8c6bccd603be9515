import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type Koa from 'koa'
import { answerUnparsedRequests } from './unparsed-requests.js'

/** The HTTP listener: where it listens, and an orderly close. */
export interface Listener {
  readonly url: string
  readonly port: number
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close (graceMs: number): Promise<void>
}

/** Listens on host:port (port 0: any free port) and resolves once listening. */
export async function listen (app: Koa<any, any>, port: number, host: string): Promise<Listener> {
  const server: Server = app.listen(port, host)
  answerUnparsedRequests(server)
  // `Expect: 100-continue` is answered by the body parsers, after auth and the media gate (middleware/expect-continue.ts)
  server.on('checkContinue', (req, res) => { server.emit('request', req, res) })
  await once(server, 'listening')
  const actual = (server.address() as AddressInfo).port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actual}`
  return {
    url,
    port: actual,
    async close (graceMs) {
      const stopped = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeIdleConnections()
      const timer = setTimeout(() => server.closeAllConnections(), graceMs)
      await stopped
      clearTimeout(timer)
    }
  }
}
