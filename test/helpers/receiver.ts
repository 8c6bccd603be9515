import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** One request a receiver got. */
export interface Received {
  method: string
  path: string
  headers: IncomingMessage['headers']
  body: string
  /** The body as JSON (JSON mode), or the parsed `jsonData` of a form body. */
  json: any
  at: number
}

/** What the receiver does with a request: answer a status (with headers), hang, or drop the connection. */
export type Behaviour = (req: Received, n: number) => { status: number, headers?: Record<string, string>, body?: string } | 'hang' | 'drop'

/**
 * A real local webhook receiver on port 0: records every request, answers as told. `waitFor`
 * waits on a condition over what arrived (no fixed sleeps).
 */
export interface Receiver {
  url: string
  requests: Received[]
  /** Requests answered 2xx. */
  delivered: () => Received[]
  behave: (b: Behaviour) => void
  waitFor: (check: (r: Received[]) => boolean, ms?: number, what?: string) => Promise<void>
  close: () => Promise<void>
}

function parse (body: string, type: string | undefined): any {
  try {
    if (type?.startsWith('application/x-www-form-urlencoded') === true) return JSON.parse(new URLSearchParams(body).get('jsonData') ?? 'null')
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

export async function startReceiver (behaviour: Behaviour = () => ({ status: 200 })): Promise<Receiver> {
  let behave = behaviour
  const requests: Received[] = []
  const ok = new Set<Received>()
  const sockets = new Set<Socket>()
  const hanging = new Set<ServerResponse>()
  const waiters = new Set<() => void>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const received: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json: parse(body, req.headers['content-type']), at: Date.now() }
      requests.push(received)
      const action = behave(received, requests.length)
      if (action === 'hang') {
        hanging.add(res)
      } else if (action === 'drop') {
        req.socket.destroy()
      } else {
        if (action.status >= 200 && action.status < 300) ok.add(received)
        res.writeHead(action.status, action.headers)
        res.end(action.body ?? '')
      }
      for (const w of waiters) w()
    })
  })
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    delivered: () => requests.filter(r => ok.has(r)),
    behave: b => { behave = b },
    waitFor: async (check, ms = 15_000, what = 'webhook requests') => {
      if (check(requests)) return
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(poll)
          reject(new Error(`timed out after ${ms} ms waiting for ${what}; got ${requests.length} requests`))
        }, ms)
        const poll = (): void => {
          if (!check(requests)) return
          clearTimeout(timer)
          waiters.delete(poll)
          resolve()
        }
        waiters.add(poll)
      })
    },
    close: async () => {
      for (const res of hanging) res.destroy()
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
