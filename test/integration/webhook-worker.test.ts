import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate } from '../../src/db/migrate.js'
import { OutboxRepo } from '../../src/db/repos/outbox.js'
import { UsersRepo } from '../../src/db/repos/users.js'
import { OutboundGuard } from '../../src/net/outbound-guard.js'
import { DeliveriesService } from '../../src/services/deliveries.js'
import { EventsService } from '../../src/services/events.js'
import { WebhookKeysService } from '../../src/services/webhook-keys.js'
import { createLogger } from '../../src/util/logger.js'
import { sealingKey } from '../../src/util/sealed.js'
import { guardedPoster, ProxyDispatchers } from '../../src/webhooks/poster.js'
import { DeliveryWorker } from '../../src/webhooks/worker.js'
import { startHttpProxy, startSocksProxy } from '../helpers/proxy.js'
import { startReceiver, type Receiver } from '../helpers/receiver.js'
import { waitUntil } from '../helpers/wait.js'

const KEY = 'webhook-signing-key-0123456789-abcdef'
const logger = createLogger('silent')

/** The event path below the sessions: users, outbox, worker and a real local receiver. */
class Rig {
  readonly users: UsersRepo
  readonly outbox: OutboxRepo
  readonly keys: WebhookKeysService
  readonly deliveries: DeliveriesService
  readonly events: EventsService
  worker: DeliveryWorker | undefined
  private readonly guard: OutboundGuard
  private readonly proxies = new ProxyDispatchers()

  constructor (readonly db: Database, options: { policy?: (a: string) => any, global?: string } = {}) {
    this.users = new UsersRepo(db)
    this.outbox = new OutboxRepo(db)
    this.keys = new WebhookKeysService(this.users, sealingKey('test-encryption-key-0123456789-xyz'), logger)
    this.deliveries = new DeliveriesService(this.outbox, this.users, this.keys, { url: options.global ?? '', hmacKey: undefined }, 'json')
    this.events = new EventsService(this.outbox, this.users, options.global ?? '')
    this.guard = new OutboundGuard(options.policy !== undefined ? { policy: options.policy } : { allowPrivate: true })
    this.events.onCommitted({ committed: (userId, _seq, targets) => { for (const t of targets) this.worker?.notify(userId, t) } })
  }

  start (pipeline = 8, timeoutMs = 5_000): void {
    this.worker = new DeliveryWorker({
      repo: this.outbox,
      post: guardedPoster(this.guard, timeoutMs, this.proxies),
      destination: job => this.deliveries.destination(job),
      logger,
      retry: { baseMs: 20, capMs: 100, windowMs: 3_600_000, rejectedAttempts: 3 },
      pipeline
    })
    this.deliveries.wakes(this.worker)
    this.worker.start()
  }

  user (id: string, webhook: string, fields: { events?: string, webhook_format?: string, proxy?: string } = {}): void {
    this.users.insert({ id, name: `name-${id}`, token_hash: `hash-${id}`, token_hint: '', webhook, events: fields.events ?? 'All', expiration: 0, proxy_url: fields.proxy ?? '', history: 0 })
    if (fields.webhook_format !== undefined) this.users.update(id, { webhook_format: fields.webhook_format })
  }

  publish (userId: string, n: number, sourceKey?: string): number | undefined {
    return this.events.publish(userId, { type: 'Message', event: { Info: { ID: `M${n}` }, Message: { conversation: `hello ${n}` } }, sourceKey })
  }

  private closed = false

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.worker?.stop()
    await this.proxies.close()
    await this.guard.close()
  }
}

const ids = (r: Receiver): string[] => r.delivered().map(x => x.json.event.Info.ID as string)
const range = (n: number): string[] => Array.from({ length: n }, (_, i) => `M${i}`)

describe('webhook outbox and delivery worker', () => {
  let dir: string
  let db: Database
  let rig: Rig
  let receiver: Receiver

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wh-worker-'))
    db = openDatabase(dir)
    migrate(db)
    receiver = await startReceiver()
    rig = new Rig(db)
  })

  afterEach(async () => {
    await rig.close()
    await receiver.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('delivers every event in order with userID, instanceName and verifiable signatures', async () => {
    rig.user('u1', receiver.url)
    rig.keys.set('u1', KEY)
    rig.start(1)
    for (let i = 0; i < 20; i++) rig.publish('u1', i)
    await receiver.waitFor(r => r.length >= 20)
    expect(ids(receiver)).toEqual(range(20))
    const first = receiver.requests[0]!
    expect(first.json).toMatchObject({ type: 'Message', userID: 'u1', instanceName: 'name-u1' })
    expect(first.headers['x-hmac-signature']).toBe(createHmac('sha256', KEY).update(first.body).digest('hex'))
    const id = first.headers['webhook-id'] as string
    const ts = first.headers['webhook-timestamp'] as string
    expect(first.headers['webhook-signature']).toBe('v1,' + createHmac('sha256', KEY).update(`${id}.${ts}.${first.body}`).digest('base64'))
    expect(new Set(receiver.requests.map(r => r.headers['webhook-id'])).size).toBe(20)
  })

  it('retries a 500 and delivers once, with the attempts recorded', async () => {
    rig.user('u1', receiver.url)
    receiver.behave((_r, n) => ({ status: n === 1 ? 500 : 200 }))
    rig.start()
    rig.publish('u1', 0)
    await receiver.waitFor(r => r.length >= 2)
    await waitUntil(() => rig.deliveries.list('u1', { limit: 10 }).deliveries[0]?.state === 'delivered')
    const [d] = rig.deliveries.list('u1', { limit: 10 }).deliveries
    expect(d).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200, type: 'Message' })
    expect(receiver.delivered()).toHaveLength(1)
    expect(receiver.requests[0]!.headers['webhook-id']).toBe(receiver.requests[1]!.headers['webhook-id'])
  })

  it('holds a queue while the receiver is down and delivers everything in order when it returns', async () => {
    rig.user('u1', receiver.url)
    let down = true
    receiver.behave(() => down ? 'drop' : { status: 200 })
    rig.start(1)
    for (let i = 0; i < 30; i++) rig.publish('u1', i)
    await receiver.waitFor(r => r.length >= 5, 15_000, 'failed attempts')
    expect(receiver.delivered()).toHaveLength(0)
    expect(rig.deliveries.health('u1')[0]).toMatchObject({ target: 'user', pending: 30 })
    expect(rig.deliveries.health('u1')[0]?.failingSince).not.toBeNull()
    down = false
    await receiver.waitFor(() => receiver.delivered().length >= 30, 15_000, '30 deliveries')
    expect(ids(receiver)).toEqual(range(30))
    await waitUntil(() => rig.deliveries.health('u1')[0]?.pending === 0)
    expect(rig.deliveries.health('u1')[0]).toMatchObject({ pending: 0, failed: 0, failingSince: null })
  })

  it('pipelined: all delivered exactly once when the receiver fails every other request', async () => {
    rig.user('u1', receiver.url)
    receiver.behave((_r, n) => ({ status: n % 2 === 0 ? 503 : 200 }))
    rig.start(8)
    for (let i = 0; i < 50; i++) rig.publish('u1', i)
    await receiver.waitFor(() => receiver.delivered().length >= 50, 20_000, '50 deliveries')
    expect([...ids(receiver)].sort()).toEqual(range(50).sort())
    expect(new Set(ids(receiver)).size).toBe(50)
  })

  it('dead-letters an event the receiver rejects with a 4xx without blocking the next ones; redelivery sends it again', async () => {
    rig.user('u1', receiver.url)
    receiver.behave(r => ({ status: r.json.event.Info.ID === 'M0' ? 422 : 200 }))
    rig.start(1)
    for (let i = 0; i < 3; i++) rig.publish('u1', i)
    await receiver.waitFor(() => receiver.delivered().length >= 2, 15_000, 'the events after the rejected one')
    expect(ids(receiver)).toEqual(['M1', 'M2'])
    const failed = rig.deliveries.list('u1', { state: 'failed', limit: 10 }).deliveries
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ state: 'failed', attempts: 3, lastStatus: 422 })
    expect(failed[0]?.lastError).toContain('rejected the event 3 times')
    receiver.behave(() => ({ status: 200 }))
    rig.deliveries.redeliver('u1', failed[0]!.id)
    await receiver.waitFor(() => receiver.delivered().length >= 3, 15_000, 'the redelivery')
    expect(ids(receiver)).toEqual(['M1', 'M2', 'M0'])
    await waitUntil(() => rig.deliveries.get('u1', failed[0]!.id).state === 'delivered')
  })

  it('a hanging receiver is a timed-out attempt and never holds back another user', async () => {
    const slow = await startReceiver(() => 'hang')
    try {
      rig.user('slow', slow.url)
      rig.user('fast', receiver.url)
      rig.start(2, 300)
      rig.publish('slow', 0)
      await slow.waitFor(r => r.length >= 1)
      for (let i = 0; i < 5; i++) rig.publish('fast', i)
      await receiver.waitFor(r => r.length >= 5)
      await waitUntil(() => (rig.deliveries.list('slow', { limit: 1 }).deliveries[0]?.attempts ?? 0) >= 1)
      expect(rig.deliveries.list('slow', { limit: 1 }).deliveries[0]).toMatchObject({ state: 'pending', lastStatus: null })
      expect(rig.deliveries.list('slow', { limit: 1 }).deliveries[0]?.lastError).toContain('within 300 ms')
    } finally {
      await rig.worker?.stop()
      await slow.close()
    }
  })

  it('ignores a 10 MB answer and records a redirect to a refused address as a failed attempt', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024)
    const refused = new Rig(db, { policy: (a: string) => a === '127.0.0.2' ? 'loopback' : undefined })
    try {
      receiver.behave(r => r.json.event.Info.ID === 'M0' ? { status: 200, body: big } : { status: 302, headers: { location: 'http://127.0.0.2:9/x' } })
      refused.user('u1', receiver.url)
      refused.start(1)
      refused.publish('u1', 0)
      refused.publish('u1', 1)
      await waitUntil(() => (refused.deliveries.list('u1', { limit: 1 }).deliveries[0]?.attempts ?? 0) >= 1)
      const [second, first] = refused.deliveries.list('u1', { limit: 2 }).deliveries
      expect(first).toMatchObject({ state: 'delivered' })
      expect(second).toMatchObject({ state: 'pending' })
      expect(second?.lastError).toMatch(/127\.0\.0\.2/)
    } finally {
      await refused.close()
    }
  })

  it.each([['an HTTP proxy', startHttpProxy], ['a SOCKS5 proxy', startSocksProxy]])('goes through the user\'s proxy (%s)', async (_name, start) => {
    const proxy = await start()
    try {
      rig.user('u1', receiver.url, { proxy: proxy.url })
      rig.start()
      rig.publish('u1', 0)
      await receiver.waitFor(r => r.length >= 1)
      expect(ids(receiver)).toEqual(['M0'])
      const { port } = new URL(receiver.url)
      expect(proxy.targets).toContain(`127.0.0.1:${port}`)
    } finally {
      await rig.close()
      await proxy.close()
    }
  })

  it('resumes pending deliveries after a restart', async () => {
    rig.user('u1', receiver.url)
    receiver.behave(() => 'drop')
    rig.start(1)
    for (let i = 0; i < 5; i++) rig.publish('u1', i)
    await receiver.waitFor(r => r.length >= 1)
    await rig.close()
    receiver.behave(() => ({ status: 200 }))
    const again = new Rig(db)
    try {
      again.start(1)
      await receiver.waitFor(() => receiver.delivered().length >= 5)
      expect(ids(receiver)).toEqual(range(5))
    } finally {
      await again.close()
    }
  })

  it('queues an event from the same source once; skips unsubscribed types; form mode and the global webhook', async () => {
    const global = await startReceiver()
    const g = new Rig(db, { global: global.url })
    try {
      g.user('u1', receiver.url, { webhook_format: 'form' })
      g.user('u2', receiver.url, { events: 'ReadReceipt' })
      g.start()
      expect(g.publish('u1', 0, 'msg:chat:sender:M0')).toBeDefined()
      expect(g.publish('u1', 0, 'msg:chat:sender:M0')).toBeUndefined()
      g.publish('u2', 1)
      await global.waitFor(r => r.length >= 2)
      await receiver.waitFor(r => r.length >= 1)
      expect(receiver.requests).toHaveLength(1)
      const form = new URLSearchParams(receiver.requests[0]!.body)
      expect(receiver.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded')
      expect(form.get('userID')).toBe('u1')
      expect(form.get('instanceName')).toBe('name-u1')
      expect(JSON.parse(form.get('jsonData') ?? '')).toMatchObject({ type: 'Message', event: { Info: { ID: 'M0' } } })
      expect(global.requests.map(r => r.json.userID).sort()).toEqual(['u1', 'u2'])
    } finally {
      await g.close()
      await global.close()
    }
  })
})
