import { proto, type BinaryNode, type GroupMetadata, type WACallEvent, type WAMessage } from '@whiskeysockets/baileys'
import { callEvent } from '../../src/whatsapp/webhook-events/call.js'
import { addsMe, groupNotice, groupUpdateEvent, joinedGroupEvent, participantsEvent } from '../../src/whatsapp/webhook-events/group.js'
import { historySyncBatch, webMessageInfoJson } from '../../src/whatsapp/webhook-events/history.js'
import { identityChangeEvent } from '../../src/whatsapp/webhook-events/identity.js'
import { pictureEvents } from '../../src/whatsapp/webhook-events/picture.js'
import { presenceEvent } from '../../src/whatsapp/webhook-events/presence.js'
import { rfc3339 } from '../../src/whatsapp/webhook-events/time.js'
import { ZERO_TIME } from '../../src/whatsapp/webhook-events/source.js'

const PHONE = '5491155554444@s.whatsapp.net'
const LID = '123456789012345@lid'
const GROUP = '120363000000000001@g.us'
const T = 1_767_225_600 // 2026-01-01T00:00:00Z

describe('rfc3339', () => {
  it.each([
    [T, '2026-01-01T00:00:00Z'],
    [0, ZERO_TIME],
    [undefined, ZERO_TIME],
    [Number.NaN, ZERO_TIME]
  ])('%p → %s', (input, out) => { expect(rfc3339(input)).toBe(out) })
})

describe('Presence', () => {
  it.each([
    [{ from: PHONE }, { From: PHONE, Unavailable: false, LastSeen: ZERO_TIME }, 'online'],
    [{ from: PHONE, type: 'available' }, { From: PHONE, Unavailable: false, LastSeen: ZERO_TIME }, 'online'],
    [{ from: PHONE, type: 'unavailable', last: String(T) }, { From: PHONE, Unavailable: true, LastSeen: '2026-01-01T00:00:00Z' }, 'offline'],
    [{ from: LID, type: 'unavailable', last: 'deny' }, { From: LID, Unavailable: true, LastSeen: ZERO_TIME }, 'offline']
  ])('maps %j', (attrs, event, state) => {
    expect(presenceEvent(attrs)).toEqual({ type: 'Presence', event, extra: { state } })
  })

  it.each([
    [{ from: PHONE, type: 'subscribe' }],
    [{ from: GROUP, type: 'available' }],
    [{ type: 'available' }]
  ])('ignores %j', attrs => { expect(presenceEvent(attrs)).toBeUndefined() })
})

describe('calls', () => {
  const base: WACallEvent = { chatId: LID, from: LID, callerPn: PHONE, id: 'CALL1', date: new Date(T * 1000), offline: false, status: 'offer', isVideo: false, isGroup: false }

  it('maps an offer to CallOffer with the BasicCallMeta fields', () => {
    expect(callEvent(base)).toEqual({
      type: 'CallOffer',
      sourceKey: 'call:CALL1:offer',
      event: {
        From: LID,
        Timestamp: '2026-01-01T00:00:00Z',
        CallCreator: LID,
        CallCreatorAlt: PHONE,
        CallID: 'CALL1',
        GroupJID: '',
        RemotePlatform: '',
        RemoteVersion: '',
        Data: { Tag: 'offer', Attrs: { 'call-id': 'CALL1', 'call-creator': LID, caller_pn: PHONE }, Content: [{ Tag: 'audio', Attrs: {}, Content: null }] }
      }
    })
  })

  it.each([
    ['terminate', ''],
    ['timeout', 'timeout']
  ] as const)('maps %s to CallTerminate (Reason %p)', (status, reason) => {
    const out = callEvent({ ...base, status })
    expect(out?.type).toBe('CallTerminate')
    expect(out?.event).toMatchObject({ CallID: 'CALL1', From: LID, Reason: reason, Data: { Tag: 'terminate' } })
  })

  it.each(['ringing', 'accept', 'reject', 'relaylatency', 'preaccept'] as const)('does not emit %s', status => {
    expect(callEvent({ ...base, status })).toBeUndefined()
  })
})

describe('GroupInfo', () => {
  it('maps a subject change with its author', () => {
    const out = groupUpdateEvent({ id: GROUP, subject: 'New name', author: LID, authorPn: PHONE }, T)
    expect(out?.type).toBe('GroupInfo')
    expect(out?.event).toMatchObject({
      JID: GROUP,
      Sender: LID,
      SenderPN: PHONE,
      Timestamp: '2026-01-01T00:00:00Z',
      Name: { Name: 'New name', NameSetAt: '2026-01-01T00:00:00Z', NameSetBy: LID, NameSetByPN: PHONE },
      Topic: null,
      Locked: null,
      Join: null
    })
  })

  it.each([
    [{ desc: 'about' }, { Topic: { Topic: 'about', TopicID: '', TopicSetAt: '2026-01-01T00:00:00Z', TopicSetBy: '', TopicSetByPN: '', TopicDeleted: false } }],
    [{ desc: undefined }, { Topic: expect.objectContaining({ Topic: '', TopicDeleted: true }) }],
    [{ restrict: true }, { Locked: { IsLocked: true } }],
    [{ announce: false }, { Announce: { IsAnnounce: false, AnnounceVersionID: '' } }],
    [{ ephemeralDuration: 86400 }, { Ephemeral: { IsEphemeral: true, DisappearingTimer: 86400 } }],
    [{ joinApprovalMode: true }, { MembershipApprovalMode: { IsJoinApprovalRequired: true } }],
    [{ inviteCode: 'AbC' }, { NewInviteLink: 'https://chat.whatsapp.com/AbC' }]
  ])('maps %j', (change, expected) => {
    expect(groupUpdateEvent({ id: GROUP, author: undefined, ...change }, T)?.event).toMatchObject({ Sender: null, ...expected })
  })

  it('ignores what listing groups re-emits (whole metadata with participants) and empty updates', () => {
    const listed: Partial<GroupMetadata> = { id: GROUP, subject: 'Same', owner: PHONE, participants: [{ id: PHONE, admin: 'superadmin' }], creation: T }
    expect(groupUpdateEvent(listed, T)).toBeUndefined()
    expect(groupUpdateEvent({ id: GROUP, author: LID }, T)).toBeUndefined()
  })

  it.each([
    ['add', 'Join'],
    ['remove', 'Leave'],
    ['promote', 'Promote'],
    ['demote', 'Demote']
  ] as const)('maps participants %s to %s', (action, field) => {
    const out = participantsEvent({ id: GROUP, author: LID, authorPn: PHONE, participants: [{ id: '111@lid', phoneNumber: '5511@s.whatsapp.net' }], action }, T)
    expect(out?.event).toMatchObject({ JID: GROUP, Sender: LID, SenderPN: PHONE, [field]: ['111@lid'] })
  })

  it('takes time, push name and phone JID from the group notification Baileys read', () => {
    const notice = groupNotice({ from: GROUP, type: 'w:gp2', t: String(T - 60), notify: 'Ana', participant: LID, participant_pn: PHONE })
    expect(notice).toEqual({ t: T - 60, notify: 'Ana', participantPn: PHONE })
    expect(groupUpdateEvent({ id: GROUP, subject: 'X', author: LID }, T, notice)?.event).toMatchObject({
      Notify: 'Ana', Sender: LID, SenderPN: PHONE, Timestamp: '2025-12-31T23:59:00Z', Name: { NameSetAt: '2025-12-31T23:59:00Z', NameSetByPN: PHONE }
    })
    expect(participantsEvent({ id: GROUP, author: LID, participants: [{ id: '1@lid' }], action: 'remove' }, T, notice)?.event).toMatchObject({ Notify: 'Ana', SenderPN: PHONE, Leave: ['1@lid'] })
    expect(groupNotice({ t: 'x', notify: '' })).toEqual({})
  })

  it('does not map a number change', () => {
    expect(participantsEvent({ id: GROUP, author: LID, participants: [{ id: '111@lid' }], action: 'modify' }, T)).toBeUndefined()
  })

  it('tells when an add is about the user', () => {
    const me = { id: '5491100000001:7@s.whatsapp.net', lid: '999:7@lid' }
    const update = (p: { id: string, phoneNumber?: string }): Parameters<typeof addsMe>[0] => ({ id: GROUP, author: LID, participants: [p], action: 'add' })
    expect(addsMe(update({ id: '5491100000001@s.whatsapp.net' }), me)).toBe(true)
    expect(addsMe(update({ id: '999@lid' }), me)).toBe(true)
    expect(addsMe(update({ id: '888@lid', phoneNumber: '5491100000001@s.whatsapp.net' }), me)).toBe(true)
    expect(addsMe(update({ id: '888@lid' }), me)).toBe(false)
    expect(addsMe({ ...update({ id: '999@lid' }), action: 'remove' }, me)).toBe(false)
  })
})

describe('JoinedGroup', () => {
  it('carries the group info flattened, with who added the user', () => {
    const meta: GroupMetadata = {
      id: GROUP,
      subject: 'Team',
      owner: PHONE,
      subjectOwner: PHONE,
      subjectTime: T,
      creation: T,
      participants: [{ id: PHONE, admin: 'superadmin' }, { id: '222@lid', phoneNumber: '5511222@s.whatsapp.net', admin: null }],
      author: LID,
      authorPn: PHONE,
      addressingMode: 'pn' as GroupMetadata['addressingMode']
    }
    const out = joinedGroupEvent(meta)
    expect(out.type).toBe('JoinedGroup')
    expect(out.event).toMatchObject({
      Reason: '',
      Sender: LID,
      SenderPN: PHONE,
      JID: GROUP,
      OwnerJID: PHONE,
      Name: 'Team',
      NameSetAt: '2026-01-01T00:00:00Z',
      GroupCreated: '2026-01-01T00:00:00Z',
      IsAnnounce: false,
      AddressingMode: 'pn',
      Participants: [
        { JID: PHONE, PhoneNumber: PHONE, LID: '', IsAdmin: true, IsSuperAdmin: true, DisplayName: '', Error: 0, AddRequest: null },
        { JID: '222@lid', PhoneNumber: '5511222@s.whatsapp.net', LID: '222@lid', IsAdmin: false, IsSuperAdmin: false, DisplayName: '', Error: 0, AddRequest: null }
      ]
    })
  })
})

describe('Picture', () => {
  it('maps a set and a delete', () => {
    const node: BinaryNode = {
      tag: 'notification',
      attrs: { from: PHONE, type: 'picture', id: 'N1', t: String(T) },
      content: [{ tag: 'set', attrs: { jid: PHONE, id: '1700000000', author: PHONE } }, { tag: 'delete', attrs: { jid: GROUP, author: LID } }]
    }
    expect(pictureEvents(node)).toEqual([
      { type: 'Picture', sourceKey: `picture:N1:${PHONE}`, event: { JID: PHONE, Author: PHONE, Timestamp: '2026-01-01T00:00:00Z', Remove: false, PictureID: '1700000000' } },
      { type: 'Picture', sourceKey: `picture:N1:${GROUP}`, event: { JID: GROUP, Author: LID, Timestamp: '2026-01-01T00:00:00Z', Remove: true, PictureID: '' } }
    ])
  })

  it('falls back to the notification sender and ignores other notifications', () => {
    expect(pictureEvents({ tag: 'notification', attrs: { from: PHONE, type: 'picture' }, content: [{ tag: 'set', attrs: { id: '5' } }] })[0]?.event)
      .toEqual({ JID: PHONE, Author: '', Timestamp: ZERO_TIME, Remove: false, PictureID: '5' })
    expect(pictureEvents({ tag: 'notification', attrs: { from: PHONE, type: 'status' }, content: [{ tag: 'set', attrs: {} }] })).toEqual([])
    expect(pictureEvents({ tag: 'notification', attrs: { from: PHONE, type: 'picture' }, content: [{ tag: 'request', attrs: {} }] })).toEqual([])
  })
})

describe('IdentityChange', () => {
  it('maps an encrypt notification with an identity child', () => {
    const node: BinaryNode = { tag: 'notification', attrs: { from: LID, type: 'encrypt', id: 'N2', t: String(T) }, content: [{ tag: 'identity', attrs: {} }] }
    expect(identityChangeEvent(node)).toEqual({ type: 'IdentityChange', sourceKey: 'identity:N2', event: { JID: LID, Timestamp: '2026-01-01T00:00:00Z', Implicit: false } })
  })

  it('ignores pre-key count notifications', () => {
    expect(identityChangeEvent({ tag: 'notification', attrs: { from: 's.whatsapp.net', type: 'encrypt' }, content: [{ tag: 'count', attrs: { value: '5' } }] })).toBeUndefined()
  })
})

describe('HistorySync', () => {
  const msg = (id: string, t: number, text: string, chat = PHONE): WAMessage => {
    // Baileys hands history messages over as WebMessageInfo instances with Long timestamps.
    const info = proto.WebMessageInfo.fromObject({ key: { remoteJid: chat, fromMe: false, id }, message: { conversation: text, messageContextInfo: { messageSecret: Buffer.from('secret') } }, messageTimestamp: t })
    return info as WAMessage
  }
  const set = (messages: WAMessage[]): Parameters<typeof historySyncBatch>[0] => ({
    chats: [{ id: PHONE, name: 'Ana', unreadCount: 1 }],
    contacts: [{ id: PHONE, notify: 'Ana' }],
    messages,
    lidPnMappings: [{ pn: PHONE, lid: LID }],
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    progress: 100,
    chunkOrder: 0
  })

  it('converts a message to whatsmeow\'s WebMessageInfo JSON (casing, numbers, base64)', () => {
    expect(webMessageInfoJson(msg('AC46', T, 'Blz?'))).toEqual({
      key: { remoteJID: PHONE, fromMe: false, ID: 'AC46' },
      message: { conversation: 'Blz?', messageContextInfo: { messageSecret: Buffer.from('secret').toString('base64') } },
      messageTimestamp: T
    })
  })

  it('maps the whole sync in wuzapi\'s Data shape, and the messages to store', () => {
    const out = historySyncBatch(set([msg('A', T, 'one'), msg('B', T + 60, 'two')]), { days: 0, now: T + 3600, ownJid: '5491100000001:7@s.whatsapp.net' })
    expect(out?.dropped).toBe(0)
    expect(out?.event).toEqual({
      type: 'HistorySync',
      event: {
        Data: {
          syncType: 0,
          conversations: [{ ID: PHONE, name: 'Ana', unreadCount: 1, messages: [{ message: expect.objectContaining({ key: { remoteJID: PHONE, fromMe: false, ID: 'A' } }) }, { message: expect.objectContaining({ messageTimestamp: T + 60 }) }] }],
          pushnames: [{ ID: PHONE, pushname: 'Ana' }],
          phoneNumberToLidMappings: [{ pnJID: PHONE, lidJID: LID }],
          chunkOrder: 0,
          progress: 100
        }
      }
    })
    expect(out?.messages.map(m => [m.id, m.chat, m.text, m.timestamp])).toEqual([['A', PHONE, 'one', T], ['B', PHONE, 'two', T + 60]])
  })

  it('keeps only the last days_to_sync_history days', () => {
    const now = T + 10 * 86_400
    const old = msg('OLD', T, 'old', '5511000000001@s.whatsapp.net')
    const out = historySyncBatch(set([old, msg('NEW', now - 3600, 'new')]), { days: 2, now, ownJid: '' })
    expect(out?.dropped).toBe(1)
    expect(out?.messages.map(m => m.id)).toEqual(['NEW'])
    const data = (out?.event.event as { Data: { conversations: Array<{ ID: string }> } }).Data
    expect(data.conversations.map(c => c.ID)).toEqual([PHONE])
  })

  it('gives nothing for an empty sync', () => {
    expect(historySyncBatch({ chats: [], contacts: [], messages: [] }, { days: 0, now: T, ownJid: '' })).toBeUndefined()
  })
})
