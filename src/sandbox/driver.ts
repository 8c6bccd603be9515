import { proto } from '@whiskeysockets/baileys'
import { Agent as HttpsAgent } from 'node:https'
import { Agent as UndiciAgent, request } from 'undici'
import { SandboxError, type SandboxErrorKind } from './errors.js'
import type { FaultKind } from './faults.js'
import type { Sandbox, SandboxSocketOptions } from './index.js'
import type { PairResult } from './pairing.js'
import { runPhoneAction, type PhoneAction, type PhoneQuote } from './phone-actions.js'
import type { PhoneMessage } from './phones.js'
import { installSandboxTrust, sandboxRootPublicKey } from './trust.js'

/** A virtual phone as the admin routes show it. */
export interface PhoneInfo { pn: string, jid: string, lid: string, pushName: string, about: string, hasPicture: boolean }

/** A new about text and/or profile picture (`null`: remove the picture). */
export interface PhoneProfile { about?: string | undefined, picture?: Buffer | null | undefined }

/**
 * What a gateway needs of an emulator: how its sessions reach it (edge URL, media host and the
 * trust of its certificate) and the calls behind `/sandbox/*`. Implemented on an embedded
 * {@link Sandbox} ({@link LocalSandboxDriver}) and over HTTP on an emulator in another process
 * (`npm run sandbox`, {@link RemoteSandboxDriver}), with the same behaviour and errors.
 */
export interface SandboxDriver {
  /** `ws://host:port/ws/chat` */
  readonly wsUrl: string
  /** `127.0.0.1:<port>` of the media host. */
  readonly mediaHost: string
  /** PEM of the media host's certificate (its own CA). */
  readonly mediaCa: string
  readonly downloadDispatcher: UndiciAgent
  socketOptions (): SandboxSocketOptions
  scanQr (qr: string, pn: string): Promise<PairResult>
  completePairingCode (code: string, pn?: string): Promise<PairResult>
  /** Creates (or updates) the virtual phone of a number. */
  createPhone (pn: string, pushName: string | undefined, profile: PhoneProfile): Promise<PhoneInfo>
  /** Phone `pn` does one action towards `target` (a JID; '' for the actions without one); resolves with its id. The emulator has it stored when this resolves. */
  phoneAction (pn: string, target: string, action: PhoneAction, quote?: PhoneQuote): Promise<string>
  received (pn: string): Promise<PhoneMessage[]>
  fault (target: string, kind: FaultKind): Promise<number>
  expireMedia (urlOrPath: string): Promise<string>
  /** Releases what the driver holds (the remote driver's connections; not the embedded sandbox). */
  close (): Promise<void>
}

/** The driver of an embedded sandbox. */
export class LocalSandboxDriver implements SandboxDriver {
  constructor (private readonly sandbox: Sandbox) {}

  get wsUrl (): string { return this.sandbox.wsUrl }
  get mediaHost (): string { return this.sandbox.core.config.mediaHost }
  get mediaCa (): string { return this.sandbox.mediaCa }
  get downloadDispatcher (): UndiciAgent { return this.sandbox.downloadDispatcher }
  socketOptions (): SandboxSocketOptions { return this.sandbox.socketOptions() }

  async scanQr (qr: string, pn: string): Promise<PairResult> {
    return await this.sandbox.scanQr(qr, pn)
  }

  async completePairingCode (code: string, pn?: string): Promise<PairResult> {
    return await this.sandbox.completePairingCode(code, pn)
  }

  async createPhone (pn: string, pushName: string | undefined, profile: PhoneProfile): Promise<PhoneInfo> {
    const p = this.sandbox.createPhone(pn, pushName)
    if (profile.about !== undefined) p.about = profile.about
    if (profile.picture !== undefined) p.replacePicture(profile.picture ?? undefined)
    return { pn: p.pn, jid: p.jid, lid: p.lid, pushName: p.pushName, about: p.about, hasPicture: p.hasPicture }
  }

  async phoneAction (pn: string, target: string, action: PhoneAction, quote?: PhoneQuote): Promise<string> {
    const id = await runPhoneAction(this.sandbox.createPhone(pn), target, action, quote)
    // like WhatsApp's servers, the emulator has the message stored once the sender is told it was sent
    this.sandbox.core.flush()
    return id
  }

  async received (pn: string): Promise<PhoneMessage[]> {
    return this.sandbox.phone(pn).received()
  }

  async fault (target: string, kind: FaultKind): Promise<number> {
    return this.sandbox.fault(target, kind)
  }

  async expireMedia (urlOrPath: string): Promise<string> {
    return this.sandbox.expireMedia(urlOrPath)
  }

  async close (): Promise<void> {}
}

/** What an emulator process tells its gateways about itself (`GET /info`). */
export interface SandboxInfo { wsUrl: string, mediaHost: string, mediaCa: string, rootPublicKey: string }

/** `GET /info` of an emulator. */
export function sandboxInfo (sandbox: Sandbox): SandboxInfo {
  return { wsUrl: sandbox.wsUrl, mediaHost: sandbox.core.config.mediaHost, mediaCa: sandbox.mediaCa, rootPublicKey: sandboxRootPublicKey().toString('base64') }
}

/** Buffers travel as `{ $b64 }` in the emulator's JSON calls. */
export function encodeBuffers (value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { $b64: value.toString('base64') }
  if (Array.isArray(value)) return value.map(encodeBuffers)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeBuffers(v)]))
  return value
}

export function decodeBuffers (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBuffers)
  if (value !== null && typeof value === 'object') {
    const b64 = (value as { $b64?: unknown }).$b64
    if (typeof b64 === 'string') return Buffer.from(b64, 'base64')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeBuffers(v)]))
  }
  return value
}

/** A received message on the wire: its proto as base64. */
export function encodeReceived (m: PhoneMessage): Record<string, unknown> {
  return { ...m, message: m.message === undefined ? undefined : Buffer.from(proto.Message.encode(m.message).finish()).toString('base64') }
}

function decodeReceived (m: Record<string, unknown>): PhoneMessage {
  const message = typeof m.message === 'string' ? proto.Message.decode(Buffer.from(m.message, 'base64')) : undefined
  return { ...(m as unknown as PhoneMessage), message }
}

/** The driver of an emulator in another process, reached at its admin URL (`SANDBOX_URL`). */
export class RemoteSandboxDriver implements SandboxDriver {
  readonly downloadDispatcher: UndiciAgent
  private readonly calls = new UndiciAgent({ keepAliveTimeout: 10_000 })

  private constructor (private readonly base: string, private readonly info: SandboxInfo) {
    this.downloadDispatcher = new UndiciAgent({ connect: { ca: info.mediaCa } })
  }

  /** Reads the emulator's `/info` and trusts its noise root (this process can then reach only sandboxes). */
  static async connect (url: string): Promise<RemoteSandboxDriver> {
    const base = url.replace(/\/+$/, '')
    let res
    try {
      res = await request(`${base}/info`, { headersTimeout: 10_000, bodyTimeout: 10_000 })
    } catch (err) {
      throw new Error(`SANDBOX_URL ${base}: no emulator answers there (${(err as Error).message}); start one with npm run sandbox`)
    }
    if (res.statusCode !== 200) {
      await res.body.dump()
      throw new Error(`SANDBOX_URL ${base}: /info answered ${res.statusCode}; is it an emulator started with npm run sandbox?`)
    }
    const info = await res.body.json() as SandboxInfo
    installSandboxTrust(Buffer.from(info.rootPublicKey, 'base64'))
    return new RemoteSandboxDriver(base, info)
  }

  get wsUrl (): string { return this.info.wsUrl }
  get mediaHost (): string { return this.info.mediaHost }
  get mediaCa (): string { return this.info.mediaCa }

  socketOptions (): SandboxSocketOptions {
    return {
      waWebSocketUrl: this.info.wsUrl,
      fetchAgent: new HttpsAgent({ ca: this.info.mediaCa }),
      options: { dispatcher: this.downloadDispatcher } as unknown as RequestInit
    }
  }

  async scanQr (qr: string, pn: string): Promise<PairResult> {
    return await this.call('scanQr', { qr, pn }) as PairResult
  }

  async completePairingCode (code: string, pn?: string): Promise<PairResult> {
    return await this.call('completePairingCode', { code, pn }) as PairResult
  }

  async createPhone (pn: string, pushName: string | undefined, profile: PhoneProfile): Promise<PhoneInfo> {
    return await this.call('createPhone', { pn, pushName, profile }) as PhoneInfo
  }

  async phoneAction (pn: string, target: string, action: PhoneAction, quote?: PhoneQuote): Promise<string> {
    return await this.call('phoneAction', { pn, target, action, quote }) as string
  }

  async received (pn: string): Promise<PhoneMessage[]> {
    return (await this.call('received', { pn }) as Array<Record<string, unknown>>).map(decodeReceived)
  }

  async fault (target: string, kind: FaultKind): Promise<number> {
    return await this.call('fault', { target, kind }) as number
  }

  async expireMedia (urlOrPath: string): Promise<string> {
    return await this.call('expireMedia', { urlOrPath }) as string
  }

  async close (): Promise<void> {
    await this.calls.close()
    await this.downloadDispatcher.close()
  }

  private async call (name: string, args: Record<string, unknown>): Promise<unknown> {
    const res = await request(`${this.base}/rpc/${name}`, {
      method: 'POST',
      dispatcher: this.calls,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(encodeBuffers(args))
    })
    const body = await res.body.json() as { result?: unknown, error?: { kind?: string, message?: string } }
    if (res.statusCode === 200) return body.result
    const message = body.error?.message ?? `emulator answered ${res.statusCode}`
    if (body.error?.kind !== undefined) throw new SandboxError(body.error.kind as SandboxErrorKind, message)
    throw new Error(`sandbox emulator: ${message}`)
  }
}
