import { z } from 'zod'
import { details, LIMITS, text } from './common.js'

/** WhatsApp's own limits: a group name of 100 characters, a description of 2048, 1024 members. */
export const GROUP_LIMITS = { name: 100, topic: 2048, members: 1024, code: 512 } as const

const groupJid = text(LIMITS.id)
const phones = z.array(text(LIMITS.phone)).max(GROUP_LIMITS.members, `must have at most ${GROUP_LIMITS.members} entries (a group's limit)`)
const name = text(GROUP_LIMITS.name)
const code = text(GROUP_LIMITS.code)

/** Go's strconv.ParseBool, as wuzapi reads `reset`. */
const goBool = z.string().transform((v, ctx) => {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(v)) return false
  ctx.addIssue({ code: 'custom', message: 'must be true or false' })
  return z.NEVER
})

/** `?groupJID=` (wuzapi reads the query); older clients send `{"GroupJID": ...}` in the body of the GET instead. */
export const groupQuery = z.object({ groupJID: groupJid.optional() })
export const groupBody = z.object({ GroupJID: groupJid.optional() })
export const inviteLinkQuery = z.object({ groupJID: groupJid.optional(), reset: goBool.optional() })
export const inviteLinkBody = z.object({ GroupJID: groupJid.optional(), Reset: z.boolean().optional() })

export const codeSchema = z.object({ Code: code })
export const createGroupSchema = z.object({ Name: name, Participants: phones.optional() })
export const participantsSchema = z.object({ GroupJID: groupJid, Phone: phones.optional(), Action: text(LIMITS.eventName) })
export const groupJidSchema = z.object({ GroupJID: groupJid })
export const groupNameSchema = z.object({ GroupJID: groupJid, Name: name })
export const groupTopicSchema = z.object({ GroupJID: groupJid, Topic: text(GROUP_LIMITS.topic) })
export const announceSchema = z.object({ GroupJID: groupJid, Announce: z.boolean() })
export const lockedSchema = z.object({ GroupJID: groupJid, Locked: z.boolean() })
export const ephemeralSchema = z.object({ GroupJID: groupJid, Duration: text(LIMITS.eventName) })
/** `Mode` is a boolean in wuzapi; Baileys' `on`/`off` are taken too (the service checks it and names it). */
export const joinApprovalSchema = z.object({ GroupJID: groupJid, Mode: z.unknown() })
/** `Image` is a data URL or an http(s) URL; or the multipart `file` part. */
export const groupPhotoSchema = z.object({ GroupJID: groupJid, Image: z.string().optional() })

const participantInfo = z.object({
  JID: z.string(),
  PhoneNumber: z.string(),
  LID: z.string(),
  IsAdmin: z.boolean(),
  IsSuperAdmin: z.boolean(),
  DisplayName: z.string(),
  Error: z.number(),
  AddRequest: z.null()
})

/** wuzapi's `types.GroupInfo`. */
export const groupInfoResponse = z.object({
  JID: z.string(),
  OwnerJID: z.string(),
  OwnerPN: z.string(),
  Name: z.string(),
  NameSetAt: z.string(),
  NameSetBy: z.string(),
  NameSetByPN: z.string(),
  Topic: z.string(),
  TopicID: z.string(),
  TopicSetAt: z.string(),
  TopicSetBy: z.string(),
  TopicSetByPN: z.string(),
  TopicDeleted: z.boolean(),
  IsLocked: z.boolean(),
  IsAnnounce: z.boolean(),
  AnnounceVersionID: z.string(),
  IsEphemeral: z.boolean(),
  DisappearingTimer: z.number(),
  IsIncognito: z.boolean(),
  IsParent: z.boolean(),
  DefaultMembershipApprovalMode: z.string(),
  LinkedParentJID: z.string(),
  IsDefaultSubGroup: z.boolean(),
  IsJoinApprovalRequired: z.boolean(),
  AddressingMode: z.enum(['pn', 'lid']),
  GroupCreated: z.string(),
  CreatorCountryCode: z.string(),
  ParticipantVersionID: z.string(),
  Participants: z.array(participantInfo),
  ParticipantCount: z.number(),
  MemberAddMode: z.enum(['admin_add', 'all_member_add']),
  Suspended: z.boolean()
})

export const groupListResponse = z.object({ Groups: z.array(groupInfoResponse) })
export const inviteLinkResponse = z.object({ InviteLink: z.string() })
export const joinResponse = z.object({ Details: z.string(), JID: z.string(), Pending: z.boolean() })
const outcomes = z.array(z.object({ JID: z.string(), Success: z.boolean(), Error: z.number() }))
export const participantsResponse = z.object({ Details: z.string(), Participants: outcomes })
export const photoResponse = z.object({ Details: z.string(), PictureID: z.string() })
export const requestsResponse = z.array(z.object({ JID: z.string(), RequestedAt: z.string() }))
export { details }
