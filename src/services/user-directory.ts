import { NotFoundError, ValidationError } from '../errors.js'
import { WhatsAppError } from '../whatsapp/errors.js'
import { PRIVACY_CATEGORIES, type PrivacyCategory, type PrivacySettings, type UserOps } from '../whatsapp/user-ops.js'
import type { ContactsService } from './contacts.js'
import type { MessagingService } from './messaging.js'
import { userJid } from './reply-context.js'

/**
 * The use-cases behind `/user/*`: number checks, user details and avatars, LIDs, presence, the block
 * list and privacy, with wuzapi's request fields and answers.
 */

/** Most numbers one `/user/check` or `/user/info` asks about (one WhatsApp query each). */
export const MAX_LOOKUPS = 50

/** whatsmeow's privacy setting names (wuzapi's JSON) for WhatsApp's categories. */
const PRIVACY_NAMES: Record<PrivacyCategory, string> = {
  groupadd: 'GroupAdd',
  last: 'LastSeen',
  status: 'Status',
  profile: 'Profile',
  readreceipts: 'ReadReceipts',
  online: 'Online',
  calladd: 'CallAdd',
  messages: 'Messages'
}

/** The values WhatsApp takes per category. */
const PRIVACY_VALUES: Record<PrivacyCategory, readonly string[]> = {
  groupadd: ['all', 'contacts', 'contact_blacklist'],
  last: ['all', 'contacts', 'contact_blacklist', 'none'],
  status: ['all', 'contacts', 'contact_blacklist', 'none'],
  profile: ['all', 'contacts', 'contact_blacklist', 'none'],
  readreceipts: ['all', 'none'],
  online: ['all', 'match_last_seen'],
  calladd: ['all', 'known'],
  messages: ['all', 'contacts']
}

function privacyView (settings: PrivacySettings): Record<string, string> {
  const out: Record<string, string> = {}
  for (const category of PRIVACY_CATEGORIES) out[PRIVACY_NAMES[category]] = settings[category] ?? ''
  return out
}

/** A privacy category by WhatsApp's name (`last`) or whatsmeow's (`LastSeen`), any case. */
function privacyCategory (name: string): PrivacyCategory {
  const wanted = name.trim().toLowerCase()
  const found = PRIVACY_CATEGORIES.find(c => c === wanted || PRIVACY_NAMES[c].toLowerCase() === wanted)
  if (found === undefined) throw new ValidationError(`invalid Name "${name}": use one of ${PRIVACY_CATEGORIES.join(', ')}`)
  return found
}

/** A phone number of a check: digits with the country code (a `+`, separators or a user JID are accepted too). */
function checkedNumber (value: string, i: number): string {
  const digits = value.trim().replace(/@s\.whatsapp\.net$/i, '').replace(/[\s\-.()]/g, '').replace(/^\+/, '')
  if (!/^[1-9]\d{6,14}$/.test(digits)) throw new ValidationError(`invalid Phone[${i}] "${value}": a phone number with the country code, 7 to 15 digits (e.g. 5491155554444)`)
  return digits
}

function phoneList (phones: readonly string[] | undefined): readonly string[] {
  if (phones === undefined || phones.length === 0) throw new ValidationError('missing Phone in Payload')
  return phones
}

/** WhatsApp answers 404 for "no picture" and 401 when the user's privacy hides it from us. */
function isHidden (err: unknown): boolean {
  return err instanceof WhatsAppError && (err.statusCode === 404 || err.statusCode === 401)
}

export class UserDirectoryService {
  constructor (private readonly messaging: MessagingService, private readonly contacts: ContactsService) {}

  private ops (userId: string): UserOps {
    return this.messaging.session(userId).users()
  }

  /** wuzapi's `/user/check`: every number answered, in order; numbers without WhatsApp are `false`. */
  async check (userId: string, phones: readonly string[] | undefined): Promise<{ Users: Array<Record<string, unknown>> }> {
    const numbers = phoneList(phones).map(checkedNumber)
    const results = await this.ops(userId).check([...new Set(numbers)])
    const byNumber = new Map(results.map(r => [r.query, r]))
    return {
      Users: numbers.map((n, i) => {
        const r = byNumber.get(n)
        return { Query: phones?.[i] ?? n, IsInWhatsapp: r?.exists === true, JID: r?.exists === true ? r.jid : '', VerifiedName: '' }
      })
    }
  }

  /** wuzapi's `/user/info`: status text, picture id, devices and LID per user JID. */
  async info (userId: string, phones: readonly string[] | undefined): Promise<{ Users: Record<string, unknown> }> {
    const jids = phoneList(phones).map((p, i) => userJid(this.messaging, p, `Phone[${i}]`))
    const ops = this.ops(userId)
    const details = await ops.details([...new Set(jids)])
    const users: Record<string, unknown> = {}
    for (const d of details) {
      const picture = await ops.avatar(d.jid, true).catch((err: unknown) => { if (isHidden(err)) return undefined; throw err })
      const business = this.contacts.find(userId, d.jid)?.business_name ?? ''
      users[d.jid] = {
        VerifiedName: business === '' ? null : { Details: { verifiedName: business } },
        Status: d.status,
        PictureID: picture?.id ?? '',
        Devices: d.devices,
        LID: d.lid
      }
    }
    return { Users: users }
  }

  /** wuzapi's `/user/avatar` (whatsmeow's `ProfilePictureInfo` JSON); 404 when there is none or it is hidden. */
  async avatar (userId: string, phone: string, preview: boolean): Promise<Record<string, unknown>> {
    const jid = this.messaging.recipient(phone, 'Phone')
    if (jid === 'status@broadcast') throw new ValidationError('invalid Phone "status@broadcast": name a user or a group')
    let picture: Awaited<ReturnType<UserOps['avatar']>>
    try {
      picture = await this.ops(userId).avatar(jid, preview)
    } catch (err) {
      if (isHidden(err)) throw new NotFoundError(`no avatar found: ${jid} has no profile picture, or their privacy settings hide it from you`)
      throw err
    }
    if (picture === undefined) throw new NotFoundError(`no avatar found: ${jid} has no profile picture`)
    return { url: picture.url, id: picture.id, type: preview ? 'preview' : 'image', direct_path: picture.directPath, hash: null }
  }

  async presence (userId: string, type: string): Promise<{ Details: string }> {
    if (type !== 'available' && type !== 'unavailable') throw new ValidationError(`invalid type "${type}": use available or unavailable`)
    await this.ops(userId).setPresence(type)
    return { Details: 'Presence set successfuly' }
  }

  /** Asks for a user's presence; the updates arrive as `Presence` webhook events. */
  async subscribePresence (userId: string, phone: string): Promise<{ Details: string, JID: string }> {
    const jid = userJid(this.messaging, phone, 'Phone')
    await this.ops(userId).subscribePresence(jid)
    return { Details: 'Subscribed to presence updates', JID: jid }
  }

  /** wuzapi's `/user/lid/{jid}`: the LID of a phone number or JID; 404 when WhatsApp knows none. */
  async lid (userId: string, phone: string): Promise<{ jid: string, lid: string }> {
    const jid = userJid(this.messaging, phone, 'jid')
    const ops = this.ops(userId)
    if (jid.endsWith('@lid')) {
      const pn = await ops.pnForLid(jid)
      if (pn === '') throw new NotFoundError(`LID not found for this number: no phone number is known for ${jid}`)
      return { jid: pn, lid: jid }
    }
    const lid = await ops.lidForPn(jid)
    if (lid === '') throw new NotFoundError(`LID not found for this number: ${jid} has no LID (is it on WhatsApp? check with /user/check)`)
    return { jid, lid }
  }

  /** `/user/parse-lid`: a LID (`…@lid` or its digits) to the phone JID this session knows for it. */
  async parseLid (userId: string, value: string): Promise<{ jid: string, lid: string }> {
    const trimmed = value.trim()
    if (trimmed === '') throw new ValidationError('missing LID in Payload')
    const lid = trimmed.includes('@') ? trimmed : `${trimmed}@lid`
    if (!/^\d{5,20}(:\d+)?@lid$/.test(lid)) throw new ValidationError(`invalid LID "${value}": a LID looks like 123456789012345@lid`)
    const normalized = lid.replace(/:\d+@/, '@')
    const pn = await this.ops(userId).pnForLid(normalized)
    const known = pn !== '' ? pn : this.contacts.find(userId, normalized)?.jid ?? ''
    if (known === '' || known.endsWith('@lid')) throw new NotFoundError(`no phone number is known for ${normalized}: WhatsApp tells it only with messages, contacts or the history sync`)
    return { jid: known, lid: normalized }
  }

  async block (userId: string, phone: string, blocked: boolean): Promise<{ Details: string, JID: string }> {
    const jid = userJid(this.messaging, phone, 'Phone')
    try {
      await this.ops(userId).setBlocked(jid, blocked)
    } catch (err) {
      // Baileys must know the user's LID (or, for a LID, the phone number) to block
      if (err instanceof WhatsAppError && err.statusCode === 400) throw new NotFoundError(`cannot ${blocked ? 'block' : 'unblock'} ${jid}: WhatsApp knows no such user (${err.message})`)
      throw err
    }
    return { Details: blocked ? 'User blocked successfully' : 'User unblocked successfully', JID: jid }
  }

  async blocklist (userId: string): Promise<{ JIDs: string[] }> {
    return { JIDs: await this.ops(userId).blocklist() }
  }

  async privacy (userId: string): Promise<Record<string, string>> {
    return privacyView(await this.ops(userId).privacy())
  }

  /** Changes one privacy setting; answers all of them as they are now. */
  async setPrivacy (userId: string, name: string | undefined, value: string | undefined): Promise<Record<string, string>> {
    if (name === undefined || name.trim() === '') throw new ValidationError('missing Name in Payload')
    if (value === undefined || value.trim() === '') throw new ValidationError('missing Value in Payload')
    const category = privacyCategory(name)
    const allowed = PRIVACY_VALUES[category]
    const v = value.trim().toLowerCase()
    if (!allowed.includes(v)) throw new ValidationError(`invalid Value "${value}" for ${category}: use one of ${allowed.join(', ')}`)
    const ops = this.ops(userId)
    await ops.setPrivacy(category, v)
    return privacyView(await ops.privacy())
  }
}
