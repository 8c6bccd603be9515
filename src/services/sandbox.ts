import type { FaultKind } from '../sandbox/index.js'
import type { SandboxDriver } from '../sandbox/driver.js'
import { SandboxError } from '../sandbox/errors.js'
import type { UsersRepo } from '../db/repos/users.js'
import { NotFoundError, SessionStateError, ValidationError } from '../errors.js'
import { messageToJson } from '../whatsapp/message-json.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'
import { dataUrlHeader, decodeBase64 } from '../media/data-url.js'
import { phoneAction, phoneQuote, phoneSendKind, WITHOUT_TO, type PhoneSendFields } from './phone-send.js'
import type { PhoneAction } from '../sandbox/index.js'

/** The faults `/sandbox/fault` can trigger, by the name the API uses. */
export const FAULTS: ReadonlyMap<string, FaultKind> = new Map<string, FaultKind>([
  ['restart', 'restart'],
  ['replaced', 'replaced'],
  ['logout', 'logout'],
  ['drop', 'drop'],
  ['qr-expire', 'qr-expire'],
  ['ack-delay', 'ack-delay'],
  ['ack-withhold', 'ack-withhold'],
  ['ack-normal', 'ack-normal']
])

/** The JPEG bytes of a `Picture` data URL (WhatsApp profile pictures are JPEGs). */
function jpegOf (value: string): Buffer {
  const header = dataUrlHeader(value)
  const data = header.ok ? decodeBase64(value, header.payloadStart) : undefined
  if (data === undefined || !data.ok) throw new ValidationError('invalid Picture: must be a data URL of a JPEG (data:image/jpeg;base64,...)')
  if (data.data.length < 3 || data.data[0] !== 0xff || data.data[1] !== 0xd8 || data.data[2] !== 0xff) throw new ValidationError('invalid Picture: the image must be in JPEG format')
  return data.data
}

function digits (phone: string): string {
  const d = phone.replace(/^\+/, '').replace(/@.*$/, '')
  if (!/^\d{5,15}$/.test(d)) throw new ValidationError('invalid Phone: use digits only, with the country code (e.g. 5491155554444)')
  return d
}

/**
 * Runs an emulator call, adding to its "no such thing" errors (unknown number, recipient, group,
 * pairing code, QR: 404s, see failures.ts) a hint that says what to do.
 */
async function lookup<T> (fn: () => T | Promise<T>, hint: string): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw err instanceof SandboxError ? new SandboxError(err.kind, `${err.message}: ${hint}`) : err
  }
}

/** The `/sandbox/*` use-cases: drive the WhatsApp emulator in `WA_MODE=sandbox` (embedded, or another process's with SANDBOX_URL). */
export class SandboxService {
  constructor (private readonly sandbox: SandboxDriver, private readonly registry: SessionRegistry, private readonly users: UsersRepo) {}

  /** A virtual phone scans the user's current QR code; resolves once the session logged in. */
  async scanQr (userId: string, phone: string): Promise<Record<string, unknown>> {
    const session = this.registry.find(this.userExists(userId))
    const state = session?.state ?? 'disconnected'
    if (session === undefined || state !== 'qr' || session.qr === '') {
      throw new SessionStateError(`no QR code to scan: the session is ${state}; call /session/connect first`, state)
    }
    const qr = session.qr
    const paired = await lookup(async () => await this.sandbox.scanQr(qr, digits(phone)), 'the QR code changed or the session closed; read /session/status and try again')
    await session.waitFor(s => s === 'connected', 10_000)
    return { jid: paired.jid, lid: paired.lid, state: session.state }
  }

  /** A virtual phone enters a pairing code handed out by `/session/pairphone`. */
  async completePairing (code: string, phone: string | undefined): Promise<Record<string, unknown>> {
    const pn = phone === undefined ? undefined : digits(phone)
    const paired = await lookup(async () => await this.sandbox.completePairingCode(code.replace(/-/g, '').toUpperCase(), pn), 'call /session/pairphone first and pass the LinkingCode it answered')
    return { jid: paired.jid, lid: paired.lid }
  }

  async createPhone (phone: string, pushName: string | undefined, profile: { about?: string | undefined, picture?: string | undefined } = {}): Promise<Record<string, unknown>> {
    const picture = profile.picture === undefined ? undefined : profile.picture === '' ? null : jpegOf(profile.picture)
    const p = await this.sandbox.createPhone(digits(phone), pushName, { about: profile.about, picture })
    return { Phone: p.pn, JID: p.jid, LID: p.lid, PushName: p.pushName, About: p.about, HasPicture: p.hasPicture }
  }

  /**
   * A virtual phone sends one message, reaction, edit, revoke, read receipt, chat state or presence
   * to a user's WhatsApp (by user id) or to any JID/number.
   */
  async phoneSend (phone: string, fields: PhoneSendFields): Promise<Record<string, unknown>> {
    const kind = phoneSendKind(fields)
    const action = this.withMembers(phoneAction(fields, kind))
    const quote = phoneQuote(fields, kind)
    const sender = digits(phone)
    if (WITHOUT_TO.has(kind)) {
      const id = await lookup(async () => await this.sandbox.phoneAction(sender, '', action), 'vote in a poll the phone received, with option names it has')
      return { Kind: kind, Id: id, To: action.kind === 'group-create' ? id : '' }
    }
    if (fields.To === undefined || fields.To === '') throw new ValidationError('missing To in Payload: a user id, a number or a JID')
    const target = this.resolveTarget(fields.To)
    const id = await lookup(async () => await this.sandbox.phoneAction(sender, target, action, quote), 'send to a user id, a logged-in number or a group the phone is in')
    return { Kind: kind, Id: id, To: target }
  }

  /** Group members named by user id or number, as JIDs. */
  private withMembers (action: PhoneAction): PhoneAction {
    if (action.kind === 'group-create') return { ...action, members: action.members.map(m => this.resolveTarget(m)) }
    if (action.kind === 'group-change' && action.change.kind === 'participants') {
      return { ...action, change: { ...action.change, members: action.change.members.map(m => this.resolveTarget(m)) } }
    }
    return action
  }

  /** What a virtual phone received, decoded. */
  async received (phone: string): Promise<Array<Record<string, unknown>>> {
    const received = await lookup(async () => await this.sandbox.received(digits(phone)), 'create it with POST /sandbox/phones')
    return received.map(m => ({
      Id: m.id, Chat: m.chat, From: m.from, Timestamp: m.t, Message: messageToJson(m.message), Error: m.error ?? null
    }))
  }

  /**
   * Triggers a fault on the user's own connection (its device, not the other devices of the same
   * number; `qr-expire`: the connection showing the user's QR code); the ack faults apply to the
   * whole number.
   */
  async fault (userId: string, kind: string): Promise<Record<string, unknown>> {
    const fault = FAULTS.get(kind)
    if (fault === undefined) throw new ValidationError(`invalid Kind: use one of ${[...FAULTS.keys()].join(', ')}`)
    if (fault === 'qr-expire') return { Kind: kind, Connections: await this.sandbox.fault(this.shownQr(this.userExists(userId)), fault) }
    const target = this.registry.deviceJid(this.userExists(userId))
    if (target === '') throw new SessionStateError('the user has no WhatsApp login to fault', this.registry.peek(userId).state)
    return { Kind: kind, Connections: await this.sandbox.fault(target, fault) }
  }

  /** Expires media on the media host, named by its `DirectPath` (or its `Url`). */
  async expireMedia (url: string | undefined, directPath: string | undefined): Promise<Record<string, unknown>> {
    const target = directPath ?? url
    if (target === undefined || target.trim() === '') throw new ValidationError('missing Url or DirectPath in Payload')
    const path = await lookup(async () => await this.sandbox.expireMedia(target.trim()), 'pass the DirectPath (or Url) of a message\'s media')
    return { DirectPath: path, Expired: true }
  }

  /** The QR code the user's session shows now (the sandbox expires that connection's codes). */
  private shownQr (userId: string): string {
    const session = this.registry.find(userId)
    const state = session?.state ?? 'disconnected'
    if (session === undefined || state !== 'qr' || session.qr === '') throw new SessionStateError(`no QR code shown: the session is ${state}`, state)
    return session.qr
  }

  private userExists (userId: string): string {
    if (this.users.byId(userId) === undefined) throw new NotFoundError('user not found')
    return userId
  }

  private resolveTarget (to: string): string {
    const user = this.users.byId(to)
    if (user !== undefined) {
      const { jid, state } = this.registry.peek(user.id)
      if (jid === '') throw new SessionStateError('that user has no WhatsApp login yet', state)
      return jid
    }
    return to.includes('@') ? to : `${digits(to)}@s.whatsapp.net`
  }
}
