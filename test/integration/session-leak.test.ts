import NodeCache from '@cacheable/node-cache'
import { AsyncResource } from 'node:async_hooks'
import { Session } from 'node:inspector/promises'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const USERS = 2
const ROUNDS = 3

let server: TestServer
const inspector = new Session()
beforeAll(async () => {
  inspector.connect()
  server = await startSandboxServer({ LOG_LEVEL: 'warn' })
})
afterAll(async () => {
  await server.stop()
  inspector.disconnect()
})

/**
 * The inspector's id for `globalThis.__leakProbe`. Jest runs the test in its own V8 context, so
 * the probe is looked up in every context the inspector knows, not only in the main one.
 */
async function probeObjectId (group: string): Promise<string> {
  const contexts: number[] = []
  const onContext = ({ params }: { params: { context: { id: number } } }): void => { contexts.push(params.context.id) }
  inspector.on('Runtime.executionContextCreated', onContext)
  try {
    await inspector.post('Runtime.enable')
  } finally {
    inspector.off('Runtime.executionContextCreated', onContext)
    await inspector.post('Runtime.disable')
  }
  for (const contextId of contexts) {
    const { result } = await inspector.post('Runtime.evaluate', { expression: 'globalThis.__leakProbe', contextId, objectGroup: group })
    if (result.objectId !== undefined) return result.objectId
  }
  throw new Error(`the probe object is in none of the ${contexts.length} V8 contexts`)
}

/** Live objects whose prototype is `proto`, after a full GC (the inspector's queryObjects collects first). */
async function countLive (proto: object): Promise<number> {
  const group = 'session-leak'
  globalThis.__leakProbe = proto
  try {
    const protoId = await probeObjectId(group)
    // objectGroup is in V8's protocol but not in @types/node's parameter type
    const query = { prototypeObjectId: protoId, objectGroup: group }
    const { objects } = await inspector.post('Runtime.queryObjects', query)
    const length = await inspector.post('Runtime.callFunctionOn', { objectId: objects.objectId!, functionDeclaration: 'function () { return this.length }', returnByValue: true })
    return length.result.value as number
  } finally {
    delete globalThis.__leakProbe
    // the query's result array holds every object it found: release it or it becomes the leak
    await inspector.post('Runtime.releaseObjectGroup', { objectGroup: group })
  }
}

/** Polls `check` (after a full GC each time) until it returns true or `ms` pass; returns its last value. */
async function eventually (check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  for (;;) {
    await inspector.post('HeapProfiler.collectGarbage')
    if (await check()) return true
    if (Date.now() > until) return false
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/**
 * How many AsyncLocalStorages are enabled: Node 20 keeps each one that ever ran in a list (until
 * `disable()`) and stamps one `kResourceStore` symbol per listed storage on every new async resource.
 */
function enabledStorages (): number {
  return Object.getOwnPropertySymbols(new AsyncResource('leak-probe')).filter(s => s.description === 'kResourceStore').length
}

declare global {
  var __leakProbe: object | undefined
}

describe('reconnects', () => {
  it('let every old socket, its transaction key store, its AsyncLocalStorage and its key cache go', async () => {
    const users: Array<{ id: string, token: string }> = []
    for (let i = 0; i < USERS; i++) users.push(await loginWithQr(server, `54911000003${i}0`))

    // A heap query stops this process (server included) for a second or more; a kept-alive
    // connection can expire meanwhile and be reset just as fetch reuses it, so none is kept.
    const headers = { Connection: 'close' }
    const reconnect = async (): Promise<void> => {
      for (const user of users) {
        expect((await server.api('POST', '/session/disconnect', { token: user.token, headers })).body.data).toMatchObject({ Details: 'Disconnected' })
        expect((await server.api('POST', '/session/connect', { token: user.token, json: {}, headers })).body.data.state).toBe('connected')
      }
    }
    await reconnect()
    const cachesBefore = await countLive(NodeCache.prototype)
    const storagesBefore = enabledStorages()

    const sockets: Array<WeakRef<object>> = []
    const keyStores: Array<WeakRef<object>> = []
    for (let round = 0; round < ROUNDS; round++) {
      await reconnect()
      for (const user of users) {
        const sock = server.registry.find(user.id)?.socket
        if (sock === undefined) throw new Error(`user ${user.id} is not connected`)
        sockets.push(new WeakRef(sock))
        keyStores.push(new WeakRef(sock.authState.keys))
      }
    }
    const alive = (refs: Array<WeakRef<object>>): number => refs.filter(r => r.deref() !== undefined).length
    // pending IQs of an ended socket may hold it for up to the query timeout (2 s here)
    const released = await eventually(async () => alive(sockets) === USERS && alive(keyStores) === USERS, 10_000)
    expect({ sockets: alive(sockets), keyStores: alive(keyStores), released }).toEqual({ sockets: USERS, keyStores: USERS, released: true })
    // Every socket's key cache used to stay reachable through its check-period interval, and every
    // socket's transaction store's AsyncLocalStorage through Node's list of storages: one more per reconnect.
    expect(await countLive(NodeCache.prototype)).toBeLessThanOrEqual(cachesBefore)
    expect(enabledStorages()).toBeLessThanOrEqual(storagesBefore)
  }, 180_000)
})
