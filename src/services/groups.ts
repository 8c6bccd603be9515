import { AppError, NotFoundError, ValidationError } from '../errors.js'
import type { MediaIntake, MediaSource } from '../media/intake.js'
import { toProfilePhoto } from '../media/profile-photo.js'
import { WhatsAppError } from '../whatsapp/errors.js'
import type { GroupInfo, GroupOps, ParticipantAction, ParticipantResult, RequestAction } from '../whatsapp/group-ops.js'
import type { MessagingService } from './messaging.js'
import { present, userJid } from './reply-context.js'

export type { GroupInfo } from '../whatsapp/group-ops.js'

/** wuzapi's `/group/ephemeral` durations, in seconds. */
export const EPHEMERAL_DURATIONS: ReadonlyMap<string, number> = new Map([['24h', 86_400], ['7d', 604_800], ['90d', 7_776_000], ['off', 0]])

export const PARTICIPANT_ACTIONS: readonly ParticipantAction[] = ['add', 'remove', 'promote', 'demote']
export const REQUEST_ACTIONS: readonly RequestAction[] = ['approve', 'reject']

const INVITE_PREFIX = /^(?:https?:\/\/)?chat\.whatsapp\.com\/(?:invite\/)?/i
const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/

export interface Details { Details: string }

/** One participant's outcome: `Error` is WhatsApp's code for it (0 when done, 403 not allowed, 404 unknown, 409 already a member...). */
export interface ParticipantOutcome { JID: string, Success: boolean, Error: number }

/** `/group/photo`: the image as a data URL or http(s) URL (`value`), or an uploaded file. */
export interface PhotoRequest { groupJid: string, value?: string, upload?: { path: string, size: number } }

/**
 * The invite code in a code or a full link (`https://chat.whatsapp.com/<code>`), or a 400 naming
 * the field.
 */
export function inviteCode (value: string, field = 'Code'): string {
  const trimmed = value.trim()
  if (trimmed === '') throw new ValidationError(`missing ${field} in Payload`)
  const code = trimmed.replace(INVITE_PREFIX, '').replace(/[?#/].*$/, '')
  if (!INVITE_CODE.test(code)) throw new ValidationError(`invalid ${field}: send the invite code or the whole link (https://chat.whatsapp.com/<code>)`)
  return code
}

function outcome (r: ParticipantResult): ParticipantOutcome {
  const code = Number(r.status)
  const ok = r.status === '200' || r.status === ''
  return { JID: r.jid, Success: ok, Error: ok ? 0 : Number.isInteger(code) ? code : 500 }
}

/**
 * WhatsApp's answers about one group, as client errors that say what to do: 401 is "not an admin",
 * 403 "not a member", 404 "no such group". Anything else goes on to failures.ts.
 */
function groupFailure (err: unknown, jid: string): unknown {
  if (!(err instanceof WhatsAppError)) return err
  switch (err.statusCode) {
    case 401: return new AppError(403, `only an admin of group ${jid} can do that (WhatsApp: ${err.message})`, {}, 'forbidden')
    case 403: return new AppError(403, `this account is not a participant of group ${jid} (WhatsApp: ${err.message}); GET /group/list lists the groups it is in`, {}, 'forbidden')
    case 404: return new NotFoundError(`group ${jid} not found: check the group JID (GET /group/list lists the account's groups)`)
    default: return err
  }
}

/** An invite code WhatsApp refused: 406 it never existed, 410 an admin reset the link. */
function inviteFailure (err: unknown): unknown {
  if (!(err instanceof WhatsAppError)) return err
  if (err.statusCode === 410) return new AppError(410, 'the invite link was reset and no longer works: ask a group admin for the new link', {}, 'not_found')
  if (err.statusCode === 406 || err.statusCode === 404) return new NotFoundError('WhatsApp does not know this invite code: check the Code (or the link) you were given')
  return err
}

/**
 * The `/group/*` use-cases: wuzapi's fields (shape-checked by the routes) checked as wuzapi does,
 * with messages that name the field, then the group operation on the user's session.
 */
export class GroupsService {
  constructor (private readonly messaging: MessagingService, private readonly intake: MediaIntake) {}

  /** The group a `GroupJID` field names, or a 400 naming the field. */
  groupJid (value: string | undefined, field = 'GroupJID'): string {
    if (!present(value)) throw new ValidationError(`missing ${field} in Payload`)
    const jid = this.messaging.recipient(value, field)
    if (!jid.endsWith('@g.us')) throw new ValidationError(`invalid ${field} "${value}": a group JID ends in @g.us (e.g. 120363012345678901@g.us)`)
    return jid
  }

  private ops (userId: string): GroupOps {
    return this.messaging.session(userId).groups()
  }

  private async onGroup<T> (userId: string, jid: string, fn: (ops: GroupOps) => Promise<T>): Promise<T> {
    const ops = this.ops(userId)
    try {
      return await fn(ops)
    } catch (err) {
      throw groupFailure(err, jid)
    }
  }

  private users (values: string[] | undefined, field: string): string[] {
    if (values === undefined || values.length === 0) throw new ValidationError(`missing ${field} in Payload`)
    return [...new Set(values.map((v, i) => userJid(this.messaging, v, `${field}[${i}]`)))]
  }

  /** Every group the user is in (`[]` when none, where wuzapi answers null). */
  async list (userId: string): Promise<{ Groups: GroupInfo[] }> {
    return { Groups: await this.ops(userId).list() }
  }

  async info (userId: string, groupJid: string): Promise<GroupInfo> {
    return await this.onGroup(userId, groupJid, async ops => await ops.info(groupJid))
  }

  async inviteLink (userId: string, groupJid: string, reset: boolean): Promise<{ InviteLink: string }> {
    const code = await this.onGroup(userId, groupJid, async ops => await ops.inviteCode(groupJid, reset))
    return { InviteLink: `https://chat.whatsapp.com/${code}` }
  }

  async inviteInfo (userId: string, fields: { Code: string }): Promise<GroupInfo> {
    const code = inviteCode(fields.Code)
    try {
      return await this.ops(userId).inviteInfo(code)
    } catch (err) {
      throw inviteFailure(err)
    }
  }

  /** Joins by code or link; with join approval on, the request waits for an admin (`Pending`). */
  async join (userId: string, fields: { Code: string }): Promise<{ Details: string, JID: string, Pending: boolean }> {
    const code = inviteCode(fields.Code)
    let joined
    try {
      joined = await this.ops(userId).join(code)
    } catch (err) {
      throw inviteFailure(err)
    }
    const details = joined.pending ? 'Join request sent: a group admin must approve it' : 'Group joined successfully'
    return { Details: details, JID: joined.jid, Pending: joined.pending }
  }

  async create (userId: string, fields: { Name: string, Participants?: string[] }): Promise<GroupInfo> {
    if (!present(fields.Name)) throw new ValidationError('missing Name in Payload')
    const participants = this.users(fields.Participants, 'Participants')
    return await this.ops(userId).create(fields.Name, participants)
  }

  async updateParticipants (userId: string, fields: { GroupJID: string, Phone?: string[], Action: string }): Promise<Details & { Participants: ParticipantOutcome[] }> {
    const jid = this.groupJid(fields.GroupJID)
    const phones = this.users(fields.Phone, 'Phone')
    if (!present(fields.Action)) throw new ValidationError('missing Action in Payload')
    const action = PARTICIPANT_ACTIONS.find(a => a === fields.Action.trim().toLowerCase())
    if (action === undefined) throw new ValidationError(`invalid Action in Payload: use one of ${PARTICIPANT_ACTIONS.join(', ')}`)
    const results = await this.onGroup(userId, jid, async ops => await ops.updateParticipants(jid, phones, action))
    return { Details: 'Group Participants updated successfully', Participants: results.map(outcome) }
  }

  async leave (userId: string, fields: { GroupJID: string }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    await this.onGroup(userId, jid, async ops => { await ops.leave(jid) })
    return { Details: 'Group left successfully' }
  }

  async setName (userId: string, fields: { GroupJID: string, Name: string }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    if (!present(fields.Name)) throw new ValidationError('missing Name in Payload')
    await this.onGroup(userId, jid, async ops => { await ops.setName(jid, fields.Name) })
    return { Details: 'Group Name set successfully' }
  }

  async setTopic (userId: string, fields: { GroupJID: string, Topic: string }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    if (!present(fields.Topic)) throw new ValidationError('missing Topic in Payload')
    await this.onGroup(userId, jid, async ops => { await ops.setTopic(jid, fields.Topic) })
    return { Details: 'Group Topic set successfully' }
  }

  async setAnnounce (userId: string, fields: { GroupJID: string, Announce: boolean }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    await this.onGroup(userId, jid, async ops => { await ops.setAnnounce(jid, fields.Announce) })
    return { Details: 'Group Announce set successfully' }
  }

  async setLocked (userId: string, fields: { GroupJID: string, Locked: boolean }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    await this.onGroup(userId, jid, async ops => { await ops.setLocked(jid, fields.Locked) })
    return { Details: 'Group Locked setting updated successfully' }
  }

  async setEphemeral (userId: string, fields: { GroupJID: string, Duration: string }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    if (!present(fields.Duration)) throw new ValidationError('missing Duration in Payload')
    const seconds = EPHEMERAL_DURATIONS.get(fields.Duration.trim().toLowerCase())
    if (seconds === undefined) throw new ValidationError('invalid Duration: use 24h, 7d, 90d or off')
    await this.onGroup(userId, jid, async ops => { await ops.setEphemeral(jid, seconds) })
    return { Details: 'Disappearing timer set successfully' }
  }

  /** Takes the photo in (data URL, URL or upload), checks it is a JPEG as wuzapi does, re-encodes it and sets it. */
  async setPhoto (userId: string, req: PhotoRequest): Promise<Details & { PictureID: string }> {
    const jid = this.groupJid(req.groupJid)
    const source = photoSource(req)
    this.ops(userId)
    const taken = await this.intake.take(source, { kind: 'image', field: 'Image' })
    try {
      if (taken.sniffed !== 'image/jpeg') {
        throw new ValidationError(`image must be in JPEG format. WhatsApp only accepts JPEG images for group photos (Image is ${taken.sniffed ?? 'of an unrecognised type'})`)
      }
      const jpeg = await toProfilePhoto(taken.media, 'Image')
      const id = await this.onGroup(userId, jid, async ops => await ops.setPhoto(jid, jpeg))
      return { Details: 'Group Photo set successfully', PictureID: id }
    } finally {
      await taken.release()
    }
  }

  async removePhoto (userId: string, fields: { GroupJID: string }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    await this.onGroup(userId, jid, async ops => { await ops.removePhoto(jid) })
    return { Details: 'Group Photo removed successfully' }
  }

  /** Pending join requests, as whatsmeow's `GroupParticipantRequest` ({JID, RequestedAt}). */
  async joinRequests (userId: string, groupJid: string): Promise<Array<{ JID: string, RequestedAt: string }>> {
    const requests = await this.onGroup(userId, groupJid, async ops => await ops.joinRequests(groupJid))
    return requests.map(r => ({ JID: r.jid, RequestedAt: new Date(r.requestedAt * 1000).toISOString().replace('.000Z', 'Z') }))
  }

  async updateJoinRequests (userId: string, fields: { GroupJID: string, Phone?: string[], Action: string }): Promise<Details & { Participants: ParticipantOutcome[] }> {
    const jid = this.groupJid(fields.GroupJID)
    const phones = this.users(fields.Phone, 'Phone')
    if (!present(fields.Action)) throw new ValidationError('missing Action in Payload')
    const action = REQUEST_ACTIONS.find(a => a === fields.Action.trim().toLowerCase())
    if (action === undefined) throw new ValidationError('invalid Action in Payload (must be approve or reject)')
    const results = await this.onGroup(userId, jid, async ops => await ops.updateRequests(jid, phones, action))
    return { Details: 'Group request participants updated successfully', Participants: results.map(outcome) }
  }

  async setJoinApproval (userId: string, fields: { GroupJID: string, Mode: unknown }): Promise<Details> {
    const jid = this.groupJid(fields.GroupJID)
    const on = approvalMode(fields.Mode)
    await this.onGroup(userId, jid, async ops => { await ops.setJoinApproval(jid, on) })
    return { Details: 'Group join approval mode updated successfully' }
  }
}

/** wuzapi's boolean `Mode`, or Baileys' `on`/`off`. */
function approvalMode (mode: unknown): boolean {
  if (mode === undefined || mode === null) throw new ValidationError('missing Mode in Payload')
  if (typeof mode === 'boolean') return mode
  if (mode === 'on' || mode === 'off') return mode === 'on'
  throw new ValidationError('invalid Mode: must be true or false (or "on"/"off")')
}

function photoSource (req: PhotoRequest): MediaSource {
  if (req.upload !== undefined && present(req.value)) throw new ValidationError('send Image either as the multipart file part or as the Image field, not both')
  if (req.upload !== undefined) return { upload: req.upload }
  if (!present(req.value)) throw new ValidationError('missing Image in Payload')
  return { value: req.value }
}
