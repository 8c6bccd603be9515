import { isLidUser, isPnUser, jidNormalizedUser, type GroupMetadata, type GroupParticipant } from '@whiskeysockets/baileys'

/**
 * wuzapi's `types.GroupInfo` (whatsmeow's JSON, embedded structs flattened): what `/group/info`,
 * `/group/list`, `/group/create` and `/group/inviteinfo` answer. Times are RFC 3339 (UTC), whatsmeow's
 * zero time when unknown; JIDs are '' when unknown.
 */
export interface GroupInfo {
  JID: string
  OwnerJID: string
  OwnerPN: string
  Name: string
  NameSetAt: string
  NameSetBy: string
  NameSetByPN: string
  Topic: string
  TopicID: string
  TopicSetAt: string
  TopicSetBy: string
  TopicSetByPN: string
  TopicDeleted: boolean
  IsLocked: boolean
  IsAnnounce: boolean
  AnnounceVersionID: string
  IsEphemeral: boolean
  /** Seconds; 0 when messages do not disappear. */
  DisappearingTimer: number
  IsIncognito: boolean
  IsParent: boolean
  DefaultMembershipApprovalMode: string
  LinkedParentJID: string
  IsDefaultSubGroup: boolean
  IsJoinApprovalRequired: boolean
  AddressingMode: 'pn' | 'lid'
  GroupCreated: string
  CreatorCountryCode: string
  ParticipantVersionID: string
  Participants: GroupMemberInfo[]
  ParticipantCount: number
  MemberAddMode: 'admin_add' | 'all_member_add'
  Suspended: boolean
}

/** A member as wuzapi lists it: its JID as the group addresses it, and both its phone number and LID where known. */
export interface GroupMemberInfo {
  JID: string
  PhoneNumber: string
  LID: string
  IsAdmin: boolean
  IsSuperAdmin: boolean
  DisplayName: string
  Error: number
  AddRequest: null
}

/** whatsmeow's `time.Time{}` in JSON. */
export const ZERO_TIME = '0001-01-01T00:00:00Z'

/** Unix seconds as Go marshals a UTC time (no fraction); the zero time when absent. */
export function goTime (seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return ZERO_TIME
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

function jid (value: string | undefined): string {
  return value === undefined || value === '' ? '' : jidNormalizedUser(value)
}

/** The phone-number JID among `id` and its alternative, or ''. */
function pnOf (id: string | undefined, alt: string | undefined): string {
  if (isPnUser(id)) return jid(id)
  return isPnUser(alt) ? jid(alt) : ''
}

export function toMemberInfo (p: GroupParticipant): GroupMemberInfo {
  return {
    JID: jid(p.id),
    PhoneNumber: pnOf(p.id, p.phoneNumber),
    LID: isLidUser(p.id) ? jid(p.id) : isLidUser(p.lid) ? jid(p.lid) : '',
    IsAdmin: p.admin === 'admin' || p.admin === 'superadmin',
    IsSuperAdmin: p.admin === 'superadmin',
    DisplayName: '',
    Error: 0,
    AddRequest: null
  }
}

/** Baileys' group metadata in wuzapi's `GroupInfo` shape. */
export function toGroupInfo (meta: GroupMetadata): GroupInfo {
  const participants = meta.participants.map(toMemberInfo)
  return {
    JID: meta.id,
    OwnerJID: jid(meta.owner),
    OwnerPN: pnOf(meta.owner, meta.ownerPn),
    Name: meta.subject ?? '',
    NameSetAt: goTime(meta.subjectTime),
    NameSetBy: jid(meta.subjectOwner),
    NameSetByPN: pnOf(meta.subjectOwner, meta.subjectOwnerPn),
    Topic: meta.desc ?? '',
    TopicID: meta.descId ?? '',
    TopicSetAt: goTime(meta.descTime),
    TopicSetBy: jid(meta.descOwner),
    TopicSetByPN: pnOf(meta.descOwner, meta.descOwnerPn),
    TopicDeleted: false,
    IsLocked: meta.restrict === true,
    IsAnnounce: meta.announce === true,
    AnnounceVersionID: '',
    IsEphemeral: (meta.ephemeralDuration ?? 0) > 0,
    DisappearingTimer: meta.ephemeralDuration ?? 0,
    IsIncognito: false,
    IsParent: meta.isCommunity === true,
    DefaultMembershipApprovalMode: '',
    LinkedParentJID: jid(meta.linkedParent),
    IsDefaultSubGroup: meta.isCommunityAnnounce === true,
    IsJoinApprovalRequired: meta.joinApprovalMode === true,
    AddressingMode: meta.addressingMode === 'lid' ? 'lid' : 'pn',
    GroupCreated: goTime(meta.creation),
    CreatorCountryCode: meta.owner_country_code ?? '',
    ParticipantVersionID: '',
    Participants: participants,
    ParticipantCount: meta.size ?? participants.length,
    MemberAddMode: meta.memberAddMode === true ? 'all_member_add' : 'admin_add',
    Suspended: false
  }
}
