import type { Database } from '../database.js'

/** Where a delivery goes: the user's own webhook, or the server's global one. */
export type DeliveryTarget = 'user' | 'global'
export type DeliveryState = 'pending' | 'delivered' | 'dead'

/** A webhook_events row as stored. */
export interface EventRow {
  seq: number
  id: string
  user_id: string
  type: string
  source_key: string | null
  payload: string
  instance_name: string
  created_at: number
}

/** A webhook_deliveries row as stored. */
export interface DeliveryRow {
  id: number
  event_seq: number
  user_id: string
  target: DeliveryTarget
  url: string
  state: DeliveryState
  attempts: number
  next_attempt_at: number
  window_start: number
  first_failed_at: number | null
  last_attempt_at: number | null
  last_status: number | null
  last_error: string
  delivered_at: number | null
  created_at: number
}

/** A delivery with what its request is built from. */
export interface DeliveryJob extends DeliveryRow {
  event_id: string
  type: string
  payload: string
  instance_name: string
}

/** A delivery as listed to its user. */
export interface DeliveryListRow extends DeliveryRow {
  event_id: string
  type: string
}

/** An event to commit, with the destinations it goes to (none: kept for the event stream only). */
export interface NewEvent {
  id: string
  userId: string
  type: string
  sourceKey: string | undefined
  payload: string
  instanceName: string
  destinations: ReadonlyArray<{ target: DeliveryTarget, url: string }>
}

/** The outcome of an attempt, as recorded. */
export interface AttemptRecord {
  at: number
  status: number | undefined
  error: string
}

/** A queue's delivery health. */
export interface QueueHealth {
  target: DeliveryTarget
  pending: number
  dead: number
  lastSuccessAt: number | null
  oldestPendingAt: number | null
  failingSince: number | null
}

export interface DeliveryFilter {
  state?: DeliveryState
  /** Only deliveries with an id below this (paging backwards from the newest). */
  before?: number
  limit: number
}

/**
 * SQL for the outbox (webhook_events) and its deliveries, with statements prepared once; each
 * change is one synchronous transaction, so an event and its deliveries are committed together.
 */
export class OutboxRepo {
  private readonly insertEventStmt
  private readonly insertDeliveryStmt
  private readonly queuesStmt
  private readonly pendingStmt
  private readonly deliveredStmt
  private readonly retryStmt
  private readonly deadStmt
  private readonly redeliverStmt
  private readonly redeliverDeadStmt
  private readonly byIdStmt
  private readonly listStmt
  private readonly listStateStmt
  private readonly eventsAfterStmt
  private readonly lastSeqStmt
  private readonly healthStmt
  private readonly totalsStmt
  private readonly pruneStmt
  private readonly payloadStmt
  private readonly enqueueTx

  constructor (db: Database) {
    this.insertEventStmt = db.prepare(`INSERT INTO webhook_events (id, user_id, type, source_key, payload, instance_name, created_at)
      VALUES (@id, @userId, @type, @sourceKey, @payload, @instanceName, @now)
      ON CONFLICT DO NOTHING`)
    this.insertDeliveryStmt = db.prepare(`INSERT INTO webhook_deliveries (event_seq, user_id, target, url, state, next_attempt_at, window_start, created_at)
      VALUES (@seq, @userId, @target, @url, 'pending', @now, @now, @now)`)
    this.queuesStmt = db.prepare("SELECT DISTINCT user_id, target FROM webhook_deliveries WHERE state = 'pending'")
    this.pendingStmt = db.prepare(`SELECT d.*, e.id AS event_id, e.type, e.payload, e.instance_name
      FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
      WHERE d.user_id = ? AND d.target = ? AND d.state = 'pending' ORDER BY d.id LIMIT ?`)
    this.deliveredStmt = db.prepare(`UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = @at,
      last_status = @status, last_error = '', delivered_at = @at WHERE id = @id AND state = 'pending'`)
    this.retryStmt = db.prepare(`UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = @at, last_status = @status,
      last_error = @error, next_attempt_at = @next, first_failed_at = COALESCE(first_failed_at, @at) WHERE id = @id AND state = 'pending'`)
    this.deadStmt = db.prepare(`UPDATE webhook_deliveries SET state = 'dead', attempts = attempts + 1, last_attempt_at = @at,
      last_status = @status, last_error = @error, first_failed_at = COALESCE(first_failed_at, @at) WHERE id = @id AND state = 'pending'`)
    this.redeliverStmt = db.prepare(`UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = @now, window_start = @now,
      first_failed_at = NULL, delivered_at = NULL WHERE id = @id AND user_id = @userId AND state != 'pending'`)
    this.redeliverDeadStmt = db.prepare(`UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = @now, window_start = @now,
      first_failed_at = NULL WHERE user_id = @userId AND state = 'dead'`)
    this.byIdStmt = db.prepare(`SELECT d.*, e.id AS event_id, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
      WHERE d.id = ? AND d.user_id = ?`)
    this.listStmt = db.prepare(`SELECT d.*, e.id AS event_id, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
      WHERE d.user_id = @userId AND d.id < @before ORDER BY d.id DESC LIMIT @limit`)
    this.listStateStmt = db.prepare(`SELECT d.*, e.id AS event_id, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.seq = d.event_seq
      WHERE d.user_id = @userId AND d.state = @state AND d.id < @before ORDER BY d.id DESC LIMIT @limit`)
    this.eventsAfterStmt = db.prepare('SELECT * FROM webhook_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?')
    this.lastSeqStmt = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM webhook_events WHERE user_id = ?')
    this.healthStmt = db.prepare(`SELECT target,
        SUM(state = 'pending') AS pending, SUM(state = 'dead') AS dead, MAX(delivered_at) AS lastSuccessAt,
        MIN(CASE WHEN state = 'pending' THEN created_at END) AS oldestPendingAt,
        MIN(CASE WHEN state = 'pending' THEN first_failed_at END) AS failingSince
      FROM webhook_deliveries WHERE user_id = ? GROUP BY target ORDER BY target DESC`)
    this.totalsStmt = db.prepare(`SELECT COUNT(*) AS pending, MIN(created_at) AS oldestPendingAt,
        COUNT(DISTINCT CASE WHEN first_failed_at IS NOT NULL THEN user_id END) AS failingUsers
      FROM webhook_deliveries WHERE state = 'pending'`)
    this.pruneStmt = db.prepare(`DELETE FROM webhook_events WHERE created_at < @before AND seq NOT IN (
      SELECT event_seq FROM webhook_deliveries WHERE state = 'pending')`)
    this.payloadStmt = db.prepare('UPDATE webhook_events SET payload = ? WHERE seq = ?')
    this.enqueueTx = db.transaction((event: NewEvent, now: number): number | undefined => {
      const result = this.insertEventStmt.run({ ...event, sourceKey: event.sourceKey ?? null, now })
      if (result.changes === 0) return undefined
      const seq = Number(result.lastInsertRowid)
      for (const d of event.destinations) this.insertDeliveryStmt.run({ seq, userId: event.userId, target: d.target, url: d.url, now })
      return seq
    })
  }

  /**
   * Commits an event and its deliveries in one transaction. Returns the event's seq, or undefined
   * when an event from the same source was already committed (nothing is written then).
   */
  enqueue (event: NewEvent, now = Date.now()): number | undefined {
    return this.enqueueTx(event, now)
  }

  /** Every queue with pending deliveries. */
  pendingQueues (): Array<{ user_id: string, target: DeliveryTarget }> {
    return this.queuesStmt.all() as Array<{ user_id: string, target: DeliveryTarget }>
  }

  /** The oldest pending deliveries of a queue, in order. */
  pending (userId: string, target: DeliveryTarget, limit: number): DeliveryJob[] {
    return this.pendingStmt.all(userId, target, limit) as DeliveryJob[]
  }

  markDelivered (id: number, attempt: AttemptRecord): void {
    this.deliveredStmt.run({ id, at: attempt.at, status: attempt.status ?? null })
  }

  markRetry (id: number, attempt: AttemptRecord, nextAttemptAt: number): void {
    this.retryStmt.run({ id, at: attempt.at, status: attempt.status ?? null, error: attempt.error, next: nextAttemptAt })
  }

  markDead (id: number, attempt: AttemptRecord): void {
    this.deadStmt.run({ id, at: attempt.at, status: attempt.status ?? null, error: attempt.error })
  }

  /** Puts a delivered or dead delivery back in its queue, with a new retry window. False when unknown or already pending. */
  redeliver (userId: string, id: number, now = Date.now()): boolean {
    return this.redeliverStmt.run({ id, userId, now }).changes > 0
  }

  /** Puts every dead delivery of the user back in its queue; returns how many. */
  redeliverDead (userId: string, now = Date.now()): number {
    return this.redeliverDeadStmt.run({ userId, now }).changes
  }

  delivery (userId: string, id: number): DeliveryListRow | undefined {
    return this.byIdStmt.get(id, userId) as DeliveryListRow | undefined
  }

  /** The user's deliveries, newest first. */
  deliveries (userId: string, filter: DeliveryFilter): DeliveryListRow[] {
    const params = { userId, before: filter.before ?? Number.MAX_SAFE_INTEGER, limit: filter.limit, state: filter.state }
    return (filter.state === undefined ? this.listStmt.all(params) : this.listStateStmt.all(params)) as DeliveryListRow[]
  }

  /** The user's events after `seq`, oldest first (the event stream's replay). */
  eventsAfter (userId: string, seq: number, limit: number): EventRow[] {
    return this.eventsAfterStmt.all(userId, seq, limit) as EventRow[]
  }

  lastSeq (userId: string): number {
    return (this.lastSeqStmt.get(userId) as { seq: number }).seq
  }

  /** Delivery health of the user's queues (the user's webhook first). */
  health (userId: string): QueueHealth[] {
    return this.healthStmt.all(userId) as QueueHealth[]
  }

  /** Pending deliveries of every user. */
  totals (): { pending: number, oldestPendingAt: number | null, failingUsers: number } {
    return this.totalsStmt.get() as { pending: number, oldestPendingAt: number | null, failingUsers: number }
  }

  /** Replaces an event's payload (the event with its media embedded, before its first delivery). */
  setPayload (seq: number, payload: string): void {
    this.payloadStmt.run(payload, seq)
  }

  /** Deletes events older than `before` (ms) with no pending delivery; returns how many. */
  prune (before: number): number {
    return this.pruneStmt.run({ before }).changes
  }
}
