import type { AckPolicy, SandboxCore } from './core.js'
import type { EdgeConnection, EdgeServer } from './edge-server.js'
import { SandboxError } from './errors.js'
import { parseQr } from './pairing.js'
import type { Pairing } from './pairing.js'

/**
 * Faults a test can trigger on a number's live connections:
 * - `restart`: `<stream:error code=515>` (Baileys: 515 restartRequired)
 * - `replaced`: `<stream:error><conflict type=replaced>` (440 connectionReplaced)
 * - `logout`: `<stream:error code=401>` and the device is removed (401 loggedOut)
 * - `failure`: `<failure reason=N>` (default 401; the device is kept)
 * - `drop`: the TCP connection is cut (428 connectionClosed)
 * - `ack-delay` / `ack-withhold` / `ack-error` / `ack-normal`: how message acks are answered
 * - `qr-expire`: unpaired clients get an empty ref list ("QR refs attempts ended", 408)
 *
 * A number (`pn` or `pn@s.whatsapp.net`) targets every connection of it, a device jid
 * (`pn:3@s.whatsapp.net`, `lid:3@lid`) only that device's. `qr-expire` takes the QR string a client
 * shows (only that connection), or an empty target (every unpaired connection).
 */
export type FaultKind =
  | 'restart'
  | 'replaced'
  | 'logout'
  | 'failure'
  | 'drop'
  | 'ack-delay'
  | 'ack-withhold'
  | 'ack-error'
  | 'ack-normal'
  | 'qr-expire'

/** What faults need to reach. */
export interface FaultDeps {
  core: SandboxCore;
  edge: EdgeServer;
  pairing: Pairing;
}

/** Applies a fault; returns how many connections were affected (or 1 for ack policies). */
export function applyFault (
  { core, edge, pairing }: FaultDeps,
  target: string,
  kind: FaultKind,
  opts: AckPolicy & { reason?: string } = {}
): number {
  if (kind === 'qr-expire') {
    const qr = target ? parseQr(target) : undefined
    const pending = [...edge.connections].filter(
      c => !c.closed && !c.loggedIn && c.refs.length > 0 && (!qr || (c.refs.includes(qr.ref) && !!c.clientStatic?.equals(qr.noiseKey)))
    )
    if (qr && !pending.length) throw new SandboxError('no_qr_client', 'no connected client shows this QR')
    for (const c of pending) pairing.expireQr(c)
    return pending.length
  }
  const r = core.resolve(target.includes('@') ? target : `${target.replace(/[^\d:]/g, '')}@s.whatsapp.net`)
  if (!r) throw new SandboxError('unknown_target', `unknown target ${target}`)
  const pn = r.acc.pn
  if (kind.startsWith('ack-')) {
    if (kind === 'ack-normal') core.ackPolicies.delete(pn)
    else if (kind === 'ack-delay') core.ackPolicies.set(pn, { delayMs: opts.delayMs ?? 2000 })
    else if (kind === 'ack-withhold') core.ackPolicies.set(pn, { withhold: true })
    else core.ackPolicies.set(pn, { error: opts.error ?? '479' })
    return 1
  }
  const byDevice = target.includes(':')
  const conns: EdgeConnection[] = [...edge.connections].filter(
    c => !c.closed && c.pn === pn && c.loggedIn && (!byDevice || c.device === r.device)
  )
  for (const c of conns) {
    switch (kind) {
      case 'restart':
        c.streamError('515')
        break
      case 'replaced':
        c.streamError(undefined, { tag: 'conflict', attrs: { type: 'replaced' } })
        break
      case 'logout':
        delete r.acc.devices[String(c.device)]
        core.touchDevice(pn, c.device ?? 0)
        core.dropQueue(pn, c.device ?? 0)
        c.streamError('401', { tag: 'conflict', attrs: { type: 'device_removed' } })
        break
      case 'failure':
        c.send({ tag: 'failure', attrs: { reason: opts.reason ?? '401', location: 'sandbox' } })
        c.close()
        break
      case 'drop':
        c.terminate()
        break
    }
  }
  return conns.length
}
