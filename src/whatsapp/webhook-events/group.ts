import { areJidsSameUser, type BaileysEventMap, type GroupMetadata, type GroupParticipant } from '@whiskeysockets/baileys'
import type { Json, WebhookEvent } from '../../events/catalogue.js'
import { rfc3339 } from './time.js'

/** whatsmeow's prefix of a group invite link (`GroupInfo.NewInviteLink`). */
const INVITE_LINK_PREFIX = 'https://chat.whatsapp.com/'

type GroupUpdate = Partial<GroupMetadata>
type ParticipantsUpdate = BaileysEventMap['group-participants.update']

/** whatsmeow's `GroupInfo` with every field at its Go zero value (nil pointers and slices are null). */
function emptyGroupInfo (jid: string, timestamp: string): Record<string, Json> {
  return {
    JID: jid,
    Notify: '',
    Sender: null,
    SenderPN: null,
    Timestamp: timestamp,
    Name: null,
    Topic: null,
    Locked: null,
    Announce: null,
    Ephemeral: null,
    MembershipApprovalMode: null,
    Delete: null,
    Link: null,
    Unlink: null,
    NewInviteLink: null,
    PrevParticipantVersionID: '',
    ParticipantVersionID: '',
    JoinReason: '',
    Join: null,
    Leave: null,
    Promote: null,
    Demote: null,
    Suspended: false,
    Unsuspended: false,
    UnknownChanges: null
  }
}

/**
 * Tells a `groups.update` entry caused by a group notification (only the changed fields, with
 * `author`) from one emitted by `groupFetchAllParticipating`, which re-emits the whole metadata of
 * every group listed (with its `participants`): listing groups changes nothing, so it is no event.
 */
export function isFetchedMetadata (update: GroupUpdate): boolean {
  return Array.isArray(update.participants)
}

function sender (author: string | undefined, authorPn: string | undefined): Record<string, Json> {
  return { Sender: author !== undefined && author !== '' ? author : null, SenderPN: authorPn !== undefined && authorPn !== '' ? authorPn : null }
}

/**
 * What the `w:gp2` notification behind a change says and Baileys drops: its time, the actor's push
 * name and phone JID (`participant_pn`; rc14 loses it on the way to `groups.update`).
 */
export interface GroupNotice { t?: number, notify?: string, participantPn?: string }

/** The `GroupNotice` of a `<notification type="w:gp2">` stanza's attributes. */
export function groupNotice (attrs: Record<string, string | undefined>): GroupNotice {
  const t = Number(attrs.t)
  return {
    ...(Number.isFinite(t) && t > 0 ? { t } : {}),
    ...(attrs.notify !== undefined && attrs.notify !== '' ? { notify: attrs.notify } : {}),
    ...(attrs.participant_pn !== undefined && attrs.participant_pn !== '' ? { participantPn: attrs.participant_pn } : {})
  }
}

/** The event's header fields: who (with the notice's phone JID and push name when Baileys lost them) and when. */
function header (jid: string, author: string | undefined, authorPn: string | undefined, now: number, notice: GroupNotice | undefined): Record<string, Json> {
  return {
    ...emptyGroupInfo(jid, rfc3339(notice?.t ?? now)),
    ...sender(author, authorPn ?? notice?.participantPn),
    Notify: notice?.notify ?? ''
  }
}

/**
 * wuzapi's `GroupInfo` for a `groups.update` entry (subject, description, announce, locked,
 * ephemeral, join approval, invite link changes), or undefined for a group-listing side effect or
 * an entry that changes nothing we map. `notice` is what the notification said that Baileys does
 * not pass on (its time; without it `now`, unix seconds, stands for it).
 */
export function groupUpdateEvent (update: GroupUpdate, now: number, notice?: GroupNotice): WebhookEvent | undefined {
  if (update.id === undefined || update.id === '' || isFetchedMetadata(update)) return undefined
  const ts = rfc3339(notice?.t ?? now)
  const event = header(update.id, update.author, update.authorPn, now, notice)
  const by = update.author ?? ''
  const byPn = update.authorPn ?? notice?.participantPn ?? ''
  let changed = false
  if (update.subject !== undefined) {
    event.Name = { Name: update.subject, NameSetAt: ts, NameSetBy: by, NameSetByPN: byPn }
    changed = true
  }
  if ('desc' in update) {
    const topic = update.desc ?? ''
    event.Topic = { Topic: topic, TopicID: update.descId ?? '', TopicSetAt: ts, TopicSetBy: by, TopicSetByPN: byPn, TopicDeleted: topic === '' }
    changed = true
  }
  if (update.restrict !== undefined) {
    event.Locked = { IsLocked: update.restrict }
    changed = true
  }
  if (update.announce !== undefined) {
    event.Announce = { IsAnnounce: update.announce, AnnounceVersionID: '' }
    changed = true
  }
  if (update.ephemeralDuration !== undefined) {
    event.Ephemeral = { IsEphemeral: update.ephemeralDuration > 0, DisappearingTimer: update.ephemeralDuration }
    changed = true
  }
  if (update.joinApprovalMode !== undefined) {
    event.MembershipApprovalMode = { IsJoinApprovalRequired: update.joinApprovalMode }
    changed = true
  }
  if (update.inviteCode !== undefined) {
    event.NewInviteLink = INVITE_LINK_PREFIX + update.inviteCode
    changed = true
  }
  return changed ? { type: 'GroupInfo', event } : undefined
}

const PARTICIPANT_FIELD: Record<string, string> = { add: 'Join', remove: 'Leave', promote: 'Promote', demote: 'Demote' }

/** wuzapi's `GroupInfo` for a `group-participants.update` (`Join`, `Leave`, `Promote`, `Demote`); `modify` (a number change) is not mapped. */
export function participantsEvent (update: ParticipantsUpdate, now: number, notice?: GroupNotice): WebhookEvent | undefined {
  const field = PARTICIPANT_FIELD[update.action]
  if (field === undefined || update.participants.length === 0) return undefined
  const event = header(update.id, update.author, update.authorPn, now, notice)
  event[field] = update.participants.map(p => p.id)
  return { type: 'GroupInfo', event }
}

/** Whether a participants update adds the logged-in user (`me`: phone and LID JIDs). */
export function addsMe (update: ParticipantsUpdate, me: { id?: string, lid?: string }): boolean {
  if (update.action !== 'add') return false
  const mine = [me.id, me.lid].filter((j): j is string => j !== undefined && j !== '')
  return update.participants.some(p => [p.id, p.phoneNumber, p.lid].some(j => j !== undefined && mine.some(m => areJidsSameUser(j, m))))
}

function participantJson (p: GroupParticipant): Json {
  const lid = p.id.endsWith('@lid') ? p.id : (p.lid ?? '')
  const pn = p.id.endsWith('@s.whatsapp.net') ? p.id : (p.phoneNumber ?? '')
  return {
    JID: p.id,
    PhoneNumber: pn,
    LID: lid,
    IsAdmin: p.admin === 'admin' || p.admin === 'superadmin' || p.isAdmin === true,
    IsSuperAdmin: p.admin === 'superadmin' || p.isSuperAdmin === true,
    DisplayName: p.notify ?? '',
    Error: 0,
    AddRequest: null
  }
}

/** whatsmeow's `types.GroupInfo` (flattened, as embedded in `JoinedGroup`) from Baileys' group metadata. */
export function groupInfoJson (g: GroupMetadata): Record<string, Json> {
  return {
    JID: g.id,
    OwnerJID: g.owner ?? '',
    OwnerPN: g.ownerPn ?? '',
    Name: g.subject,
    NameSetAt: rfc3339(g.subjectTime),
    NameSetBy: g.subjectOwner ?? '',
    NameSetByPN: g.subjectOwnerPn ?? '',
    Topic: g.desc ?? '',
    TopicID: g.descId ?? '',
    TopicSetAt: rfc3339(g.descTime),
    TopicSetBy: g.descOwner ?? '',
    TopicSetByPN: g.descOwnerPn ?? '',
    TopicDeleted: false,
    IsLocked: g.restrict ?? false,
    IsAnnounce: g.announce ?? false,
    AnnounceVersionID: '',
    IsEphemeral: (g.ephemeralDuration ?? 0) > 0,
    DisappearingTimer: g.ephemeralDuration ?? 0,
    IsIncognito: false,
    IsParent: g.isCommunity ?? false,
    DefaultMembershipApprovalMode: '',
    LinkedParentJID: g.linkedParent ?? '',
    IsDefaultSubGroup: g.isCommunityAnnounce ?? false,
    IsJoinApprovalRequired: g.joinApprovalMode ?? false,
    AddressingMode: g.addressingMode ?? '',
    GroupCreated: rfc3339(g.creation),
    CreatorCountryCode: g.owner_country_code ?? '',
    ParticipantVersionID: '',
    Participants: g.participants.map(participantJson),
    MemberAddMode: g.memberAddMode === true ? 'all_member_add' : 'admin_add'
  }
}

/**
 * wuzapi's `JoinedGroup` (`{Reason, Type, CreateKey, Sender, SenderPN, Notify, ...GroupInfo}`):
 * the user created a group or was added to one; `g.author` is who did it. `Reason` and `Type`
 * are the notification's attributes in whatsmeow (e.g. "invite"); Baileys drops them, so they are
 * '' unless the caller knows better.
 */
export function joinedGroupEvent (g: GroupMetadata, reason = ''): WebhookEvent {
  return {
    type: 'JoinedGroup',
    event: {
      Reason: reason,
      Type: '',
      CreateKey: '',
      ...sender(g.author, g.authorPn),
      Notify: g.notify ?? '',
      ...groupInfoJson(g)
    }
  }
}
