import { getBinaryNodeChild, getBinaryNodeChildren, S_WHATSAPP_NET, type BinaryNode, type WASocket } from '@whiskeysockets/baileys'
import { extractGroupMetadata } from '@whiskeysockets/baileys/lib/Socket/groups.js'
import { boomStatus, WhatsAppError } from './errors.js'
import { toGroupInfo, type GroupInfo } from './group-info.js'

export type { GroupInfo, GroupMemberInfo } from './group-info.js'

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote'
export type RequestAction = 'approve' | 'reject'

/** What WhatsApp answered for one participant of a change: `status` '200' when done, else its error code ('403', '404', '409', ...). */
export interface ParticipantResult { jid: string, status: string }

/** A pending request to join a group (join approval on). `requestedAt` is Unix seconds (0 when unknown). */
export interface JoinRequest { jid: string, requestedAt: number }

/** A join by invite: `pending` when the group wants an admin's approval first. */
export interface JoinResult { jid: string, pending: boolean }

/**
 * The code of a failed IQ: Baileys throws an IQ's `<error code>` as a Boom whose `data` is the code
 * (its status stays 500); timeouts and closed connections carry their own status.
 */
function iqCode (err: unknown): number | undefined {
  const data = (err as { data?: unknown } | null)?.data
  return typeof data === 'number' && Number.isInteger(data) && data > 0 ? data : boomStatus(err)
}

async function call<T> (fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const code = iqCode(err)
    if (code === undefined || err instanceof WhatsAppError) throw err
    throw new WhatsAppError((err as Error).message, code)
  }
}

/**
 * A session's group operations in our own terms: groups come out as wuzapi's `GroupInfo`, failures
 * as `WhatsAppError`s carrying WhatsApp's code (401 not an admin, 403 not a member, 404 no such
 * group, 406/410 a bad or revoked invite code, 408 timeout).
 */
export class GroupOps {
  constructor (private readonly sock: WASocket) {}

  private async iq (to: string, type: 'get' | 'set', content: BinaryNode[], xmlns = 'w:g2', extra: Record<string, string> = {}): Promise<BinaryNode> {
    return await this.sock.query({ tag: 'iq', attrs: { to, type, xmlns, ...extra }, content })
  }

  /**
   * The groups the user is in. Asked directly rather than with `groupFetchAllParticipating`, which
   * also emits a `groups.update` for every group (read as changes by event listeners).
   */
  async list (): Promise<GroupInfo[]> {
    return await call(async () => {
      const result = await this.iq('@g.us', 'get', [{ tag: 'participating', attrs: {}, content: [{ tag: 'participants', attrs: {} }, { tag: 'description', attrs: {} }] }])
      const groups = getBinaryNodeChildren(getBinaryNodeChild(result, 'groups'), 'group')
      return groups.map(g => toGroupInfo(extractGroupMetadata({ tag: 'result', attrs: {}, content: [g] })))
    })
  }

  async info (jid: string): Promise<GroupInfo> {
    return await call(async () => toGroupInfo(await this.sock.groupMetadata(jid)))
  }

  async create (name: string, participants: string[]): Promise<GroupInfo> {
    return await call(async () => toGroupInfo(await this.sock.groupCreate(name, participants)))
  }

  /** The invite code (a new one, the old one revoked, with `reset`). */
  async inviteCode (jid: string, reset: boolean): Promise<string> {
    return await call(async () => {
      const code = reset ? await this.sock.groupRevokeInvite(jid) : await this.sock.groupInviteCode(jid)
      if (code === undefined || code === '') throw new WhatsAppError('WhatsApp answered without an invite code', 502)
      return code
    })
  }

  async inviteInfo (code: string): Promise<GroupInfo> {
    return await call(async () => toGroupInfo(await this.sock.groupGetInviteInfo(code)))
  }

  /** Joins by invite code; read here, since Baileys' `groupAcceptInvite` cannot tell a join from a request waiting for approval. */
  async join (code: string): Promise<JoinResult> {
    return await call(async () => {
      const result = await this.iq('@g.us', 'set', [{ tag: 'invite', attrs: { code } }])
      const joined = getBinaryNodeChild(result, 'group')?.attrs.jid
      if (joined !== undefined) return { jid: joined, pending: false }
      const request = getBinaryNodeChild(result, 'membership_approval_request')?.attrs.jid
      if (request !== undefined) return { jid: request, pending: true }
      throw new WhatsAppError('WhatsApp answered the join without the group', 502)
    })
  }

  async leave (jid: string): Promise<void> {
    await call(async () => { await this.sock.groupLeave(jid) })
  }

  async updateParticipants (jid: string, participants: string[], action: ParticipantAction): Promise<ParticipantResult[]> {
    return await call(async () => (await this.sock.groupParticipantsUpdate(jid, participants, action)).map(r => ({ jid: r.jid ?? '', status: r.status })))
  }

  async setName (jid: string, name: string): Promise<void> {
    await call(async () => { await this.sock.groupUpdateSubject(jid, name) })
  }

  /** Sets the description ('' deletes it). */
  async setTopic (jid: string, topic: string): Promise<void> {
    await call(async () => { await this.sock.groupUpdateDescription(jid, topic === '' ? undefined : topic) })
  }

  /**
   * Sets the group photo to `jpeg` (already sized: Baileys' `updateProfilePicture` would re-encode
   * it again) and returns the picture id WhatsApp answered, as whatsmeow does.
   */
  async setPhoto (jid: string, jpeg: Buffer): Promise<string> {
    return await call(async () => {
      const result = await this.iq(S_WHATSAPP_NET, 'set', [{ tag: 'picture', attrs: { type: 'image' }, content: jpeg }], 'w:profile:picture', { target: jid })
      return getBinaryNodeChild(result, 'picture')?.attrs.id ?? ''
    })
  }

  async removePhoto (jid: string): Promise<void> {
    await call(async () => { await this.sock.removeProfilePicture(jid) })
  }

  async setAnnounce (jid: string, on: boolean): Promise<void> {
    await call(async () => { await this.sock.groupSettingUpdate(jid, on ? 'announcement' : 'not_announcement') })
  }

  async setLocked (jid: string, on: boolean): Promise<void> {
    await call(async () => { await this.sock.groupSettingUpdate(jid, on ? 'locked' : 'unlocked') })
  }

  /** Disappearing messages after `seconds` (0: off). */
  async setEphemeral (jid: string, seconds: number): Promise<void> {
    await call(async () => { await this.sock.groupToggleEphemeral(jid, seconds) })
  }

  async setJoinApproval (jid: string, on: boolean): Promise<void> {
    await call(async () => { await this.sock.groupJoinApprovalMode(jid, on ? 'on' : 'off') })
  }

  async joinRequests (jid: string): Promise<JoinRequest[]> {
    return await call(async () => (await this.sock.groupRequestParticipantsList(jid)).map(r => {
      const attrs = r as Record<string, string | undefined>
      return { jid: attrs.jid ?? '', requestedAt: Number(attrs.request_time ?? 0) || 0 }
    }))
  }

  async updateRequests (jid: string, participants: string[], action: RequestAction): Promise<ParticipantResult[]> {
    return await call(async () => (await this.sock.groupRequestParticipantsUpdate(jid, participants, action)).map(r => ({ jid: r.jid ?? '', status: r.status })))
  }
}
