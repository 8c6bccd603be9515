import { USyncQuery, USyncUser, isLidUser, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys'
import { fromBaileys, WhatsAppError } from './errors.js'

/** A number asked about with `check`: whether it has WhatsApp, and its canonical JID. */
export interface NumberCheck { query: string, jid: string, exists: boolean }

/** What WhatsApp tells about a user (wuzapi's `/user/info`). */
export interface UserDetails {
  jid: string
  /** The "about" text ('' when none or hidden). */
  status: string
  /** The device JIDs (`<user>:<device>@s.whatsapp.net`, the phone first). */
  devices: string[]
  /** `<lid>@lid`, or '' when WhatsApp did not tell. */
  lid: string
}

/** A privacy category and its value, as WhatsApp names them (`last`: `all`, `contacts`, ...). */
export type PrivacySettings = Record<string, string>

/** The privacy categories the user can change, and Baileys' setter for each. */
const PRIVACY_SETTERS = {
  readreceipts: 'updateReadReceiptsPrivacy',
  last: 'updateLastSeenPrivacy',
  online: 'updateOnlinePrivacy',
  profile: 'updateProfilePicturePrivacy',
  status: 'updateStatusPrivacy',
  groupadd: 'updateGroupsAddPrivacy',
  calladd: 'updateCallPrivacy',
  messages: 'updateMessagesPrivacy'
} as const

export type PrivacyCategory = keyof typeof PRIVACY_SETTERS
export const PRIVACY_CATEGORIES = Object.keys(PRIVACY_SETTERS) as PrivacyCategory[]

/**
 * An IQ error from WhatsApp (`<error code="404" text="item-not-found"/>`) comes out of Baileys as a
 * Boom 500 with the code in `data`: the code is what tells "none" (404) from "hidden" (401).
 */
function iqErrorCode (err: unknown): number | undefined {
  const boom = err as { output?: { statusCode?: unknown }, data?: unknown } | null | undefined
  return boom?.output?.statusCode === 500 && typeof boom.data === 'number' && boom.data >= 400 && boom.data < 600 ? boom.data : undefined
}

async function call<T> (fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const code = iqErrorCode(err)
    throw code !== undefined ? new WhatsAppError((err as Error).message, code) : fromBaileys(err)
  }
}

/** An IQ that timed out resolves `undefined` in Baileys (it does not throw): our 408. */
function answered<T> (value: T | undefined, what: string): T {
  if (value === undefined) throw new WhatsAppError(`no answer to the ${what} query`, 408)
  return value
}

function deviceJid (user: string, server: string, device: number): string {
  return device === 0 ? `${user}@${server}` : `${user}:${device}@${server}`
}

/**
 * What a logged-in session asks WhatsApp about users and sets for its own account: number checks,
 * user details, avatars, LIDs, presence, the block list and privacy. Baileys' failures come out
 * as `WhatsAppError`s.
 */
export class UserOps {
  constructor (private readonly sock: WASocket) {}

  /** Which of the phone numbers (digits) have WhatsApp; every number is answered, in order. */
  async check (phones: readonly string[]): Promise<NumberCheck[]> {
    const found = answered(await call(async () => await this.sock.onWhatsApp(...phones)), 'contact')
    const byUser = new Map(found.map(r => [r.jid.split('@')[0] ?? '', r.jid]))
    return phones.map(query => {
      const jid = byUser.get(query)
      return { query, jid: jid ?? `${query}@s.whatsapp.net`, exists: jid !== undefined }
    })
  }

  /** Status text, devices and LID of each user JID (one usync query). */
  async details (jids: readonly string[]): Promise<UserDetails[]> {
    const query = new USyncQuery().withContext('interactive').withDeviceProtocol().withStatusProtocol().withLIDProtocol()
    for (const jid of jids) query.withUser(new USyncUser().withId(jid))
    const result = answered(await call(async () => await this.sock.executeUSyncQuery(query)), 'usync')
    return jids.map(jid => {
      const row = result.list.find(r => r.id === jid) as { id: string, status?: { status?: string | null }, lid?: string, devices?: { deviceList?: Array<{ id: number }> } } | undefined
      const [user = '', server = 's.whatsapp.net'] = jid.split('@')
      const devices = (row?.devices?.deviceList ?? []).map(d => deviceJid(user, server, d.id))
      return { jid, status: row?.status?.status ?? '', devices, lid: typeof row?.lid === 'string' ? row.lid : '' }
    })
  }

  /** The URL of a user's (or group's) profile picture; 404/401 from WhatsApp when there is none or it is hidden. */
  async avatar (jid: string, preview: boolean): Promise<{ url: string, id: string, directPath: string } | undefined> {
    const url = await call(async () => await this.sock.profilePictureUrl(jid, preview ? 'preview' : 'image'))
    if (url === undefined) return undefined
    const parsed = new URL(url)
    const id = parsed.pathname.split('/').pop() ?? ''
    return { url, id, directPath: parsed.pathname }
  }

  /** Shows the account as available or unavailable to everyone subscribed to it. */
  async setPresence (type: 'available' | 'unavailable'): Promise<void> {
    await call(async () => { await this.sock.sendPresenceUpdate(type) })
  }

  /** Asks for a user's presence updates (they arrive as `Presence` events). */
  async subscribePresence (jid: string): Promise<void> {
    await call(async () => { await this.sock.presenceSubscribe(jid) })
  }

  /** The LID of a phone JID (the local mapping, else a usync query), or '' when WhatsApp knows none. */
  async lidForPn (jid: string): Promise<string> {
    const lid = await call(async () => await this.sock.signalRepository.lidMapping.getLIDForPN(jid))
    return lid === null ? '' : jidNormalizedUser(lid)
  }

  /** The phone JID of a LID from what this session has learned (WhatsApp never answers that way round), or ''. */
  async pnForLid (lid: string): Promise<string> {
    if (!isLidUser(lid)) return ''
    const pn = await call(async () => await this.sock.signalRepository.lidMapping.getPNForLID(lid))
    return pn === null ? '' : jidNormalizedUser(pn)
  }

  async setBlocked (jid: string, blocked: boolean): Promise<void> {
    await call(async () => { await this.sock.updateBlockStatus(jid, blocked ? 'block' : 'unblock') })
  }

  async blocklist (): Promise<string[]> {
    const list = await call(async () => await this.sock.fetchBlocklist())
    return list.filter((j): j is string => typeof j === 'string')
  }

  /** The account's privacy settings, read from WhatsApp (not Baileys' cache). */
  async privacy (): Promise<PrivacySettings> {
    return await call(async () => await this.sock.fetchPrivacySettings(true))
  }

  async setPrivacy (category: PrivacyCategory, value: string): Promise<void> {
    const setter = PRIVACY_SETTERS[category]
    await call(async () => { await (this.sock[setter] as (v: string) => Promise<void>)(value) })
  }
}
