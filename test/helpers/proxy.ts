import { createServer as createHttpServer } from 'node:http'
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net'

/** A real local proxy for tests: it tunnels what it is asked to and records each target (`host:port`). */
export interface TestProxy {
  url: string
  /** Targets tunnelled so far, in order. */
  readonly targets: string[]
  /** Resolves once a target matching `check` was tunnelled (at most `ms`). */
  waitFor (check: (target: string) => boolean, ms?: number): Promise<string>
  close (): Promise<void>
}

function recorder (): Pick<TestProxy, 'targets' | 'waitFor'> & { add: (target: string) => void } {
  const targets: string[] = []
  const waiters = new Set<() => void>()
  return {
    targets,
    add (target) {
      targets.push(target)
      for (const w of waiters) w()
    },
    async waitFor (check, ms = 10_000) {
      return await new Promise((resolve, reject) => {
        const look = (): void => {
          const found = targets.find(check)
          if (found === undefined) return
          done()
          resolve(found)
        }
        const timer = setTimeout(() => { done(); reject(new Error(`no matching proxy target; got ${JSON.stringify(targets)}`)) }, ms)
        const done = (): void => { clearTimeout(timer); waiters.delete(look) }
        waiters.add(look)
        look()
      })
    }
  }
}

function pipeBoth (a: Socket, b: Socket, open: Set<Socket>): void {
  open.add(a)
  open.add(b)
  a.on('close', () => { open.delete(a); b.destroy() })
  b.on('close', () => { open.delete(b); a.destroy() })
  a.on('error', () => {})
  b.on('error', () => {})
  a.pipe(b)
  b.pipe(a)
}

async function listen (server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** An HTTP proxy that answers CONNECT only (as HTTPS proxies are used), optionally asking for Basic credentials. */
export async function startHttpProxy (auth?: { user: string, password: string }): Promise<TestProxy> {
  const rec = recorder()
  const open = new Set<Socket>()
  const server = createHttpServer((_req, res) => { res.writeHead(405).end() })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const expected = auth === undefined ? undefined : `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`
    if (expected !== undefined && req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
      return
    }
    const target = req.url ?? ''
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))]
    const upstream = connect(port, host, () => {
      rec.add(target)
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      pipeBoth(client, upstream, open)
    })
    upstream.on('error', () => { client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n') })
  })
  const port = await listen(server)
  return {
    url: auth === undefined ? `http://127.0.0.1:${port}` : `http://${auth.user}:${auth.password}@127.0.0.1:${port}`,
    targets: rec.targets,
    waitFor: rec.waitFor,
    async close () {
      for (const s of open) s.destroy()
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** A SOCKS5 proxy (RFC 1928, no authentication, CONNECT only). */
export async function startSocksProxy (): Promise<TestProxy> {
  const rec = recorder()
  const open = new Set<Socket>()
  const server = createNetServer(client => {
    open.add(client)
    client.on('close', () => open.delete(client))
    client.on('error', () => {})
    let stage: 'greeting' | 'request' = 'greeting'
    let buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk])
      if (stage === 'greeting') {
        if (buffer.length < 2 || buffer.length < 2 + (buffer[1] ?? 0)) return
        buffer = buffer.subarray(2 + (buffer[1] ?? 0))
        client.write(Buffer.from([5, 0]))
        stage = 'request'
      }
      if (buffer.length < 5) return
      const type = buffer[3]
      const length = type === 1 ? 10 : type === 4 ? 22 : 7 + (buffer[4] ?? 0)
      if (buffer.length < length) return
      const host = type === 1 ? [...buffer.subarray(4, 8)].join('.') : type === 3 ? buffer.subarray(5, 5 + (buffer[4] ?? 0)).toString() : '::1'
      const port = buffer.readUInt16BE(length - 2)
      const rest = buffer.subarray(length)
      client.off('data', onData)
      const upstream = connect(port, host, () => {
        rec.add(`${host}:${port}`)
        client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]))
        if (rest.length > 0) upstream.write(rest)
        pipeBoth(client, upstream, open)
      })
      upstream.on('error', () => { client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])) })
    }
    client.on('data', onData)
  })
  const port = await listen(server)
  return {
    url: `socks5://127.0.0.1:${port}`,
    targets: rec.targets,
    waitFor: rec.waitFor,
    async close () {
      for (const s of open) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
