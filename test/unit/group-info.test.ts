import type { BinaryNode } from '@whiskeysockets/baileys'
import { extractGroupMetadata } from '@whiskeysockets/baileys/lib/Socket/groups.js'
import { goTime, toGroupInfo, ZERO_TIME } from '../../src/whatsapp/group-info.js'
import { inviteCode } from '../../src/services/groups.js'

/** A `<group>` node as WhatsApp's server sends it, read by Baileys' own parser. */
function metadata (attrs: Record<string, string>, content: BinaryNode[]): ReturnType<typeof extractGroupMetadata> {
  return extractGroupMetadata({ tag: 'iq', attrs: {}, content: [{ tag: 'group', attrs: { id: '120363000000000042', creation: '1700000000', ...attrs }, content }] })
}

describe('toGroupInfo', () => {
  it('maps a phone-number group with description, settings and timer to wuzapi\'s GroupInfo', () => {
    const meta = metadata({ subject: 'Team', s_o: '5491100000001@s.whatsapp.net', s_t: '1700000100', creator: '5491100000001@s.whatsapp.net', addressing_mode: 'pn', size: '2' }, [
      { tag: 'participant', attrs: { jid: '5491100000001@s.whatsapp.net', lid: '111111111111111@lid', type: 'superadmin' } },
      { tag: 'participant', attrs: { jid: '5491100000002@s.whatsapp.net', type: 'admin' } },
      { tag: 'description', attrs: { id: 'DESC1', participant: '5491100000002@s.whatsapp.net', t: '1700000200' }, content: [{ tag: 'body', attrs: {}, content: Buffer.from('About us') }] },
      { tag: 'announcement', attrs: {} },
      { tag: 'locked', attrs: {} },
      { tag: 'ephemeral', attrs: { expiration: '86400' } },
      { tag: 'membership_approval_mode', attrs: {}, content: [{ tag: 'group_join', attrs: { state: 'on' } }] },
      { tag: 'member_add_mode', attrs: {}, content: Buffer.from('all_member_add') }
    ])
    const info = toGroupInfo(meta)
    expect(info).toMatchObject({
      JID: '120363000000000042@g.us',
      OwnerJID: '5491100000001@s.whatsapp.net',
      OwnerPN: '5491100000001@s.whatsapp.net',
      Name: 'Team',
      NameSetAt: '2023-11-14T22:15:00Z',
      NameSetBy: '5491100000001@s.whatsapp.net',
      Topic: 'About us',
      TopicID: 'DESC1',
      TopicSetAt: '2023-11-14T22:16:40Z',
      TopicSetBy: '5491100000002@s.whatsapp.net',
      TopicSetByPN: '5491100000002@s.whatsapp.net',
      IsAnnounce: true,
      IsLocked: true,
      IsEphemeral: true,
      DisappearingTimer: 86400,
      IsJoinApprovalRequired: true,
      MemberAddMode: 'all_member_add',
      AddressingMode: 'pn',
      GroupCreated: '2023-11-14T22:13:20Z',
      ParticipantCount: 2
    })
    expect(info.Participants).toEqual([
      { JID: '5491100000001@s.whatsapp.net', PhoneNumber: '5491100000001@s.whatsapp.net', LID: '111111111111111@lid', IsAdmin: true, IsSuperAdmin: true, DisplayName: '', Error: 0, AddRequest: null },
      { JID: '5491100000002@s.whatsapp.net', PhoneNumber: '5491100000002@s.whatsapp.net', LID: '', IsAdmin: true, IsSuperAdmin: false, DisplayName: '', Error: 0, AddRequest: null }
    ])
  })

  it('in a LID-addressed group takes each member\'s phone number from phone_number; unknown times are Go\'s zero time', () => {
    const meta = metadata({ subject: 'Lid', addressing_mode: 'lid', creator: '222222222222222@lid', creator_pn: '5491100000003@s.whatsapp.net' }, [
      { tag: 'participant', attrs: { jid: '222222222222222@lid', phone_number: '5491100000003@s.whatsapp.net' } },
      { tag: 'participant', attrs: { jid: '333333333333333@lid' } }
    ])
    const info = toGroupInfo(meta)
    expect(info).toMatchObject({ AddressingMode: 'lid', OwnerJID: '222222222222222@lid', OwnerPN: '5491100000003@s.whatsapp.net', Topic: '', TopicSetAt: ZERO_TIME, IsEphemeral: false, DisappearingTimer: 0, MemberAddMode: 'admin_add', IsJoinApprovalRequired: false })
    expect(info.Participants.map(p => [p.JID, p.PhoneNumber, p.LID])).toEqual([
      ['222222222222222@lid', '5491100000003@s.whatsapp.net', '222222222222222@lid'],
      ['333333333333333@lid', '', '333333333333333@lid']
    ])
  })

  it('goTime writes Unix seconds as Go marshals a UTC time', () => {
    expect(goTime(0)).toBe(ZERO_TIME)
    expect(goTime(undefined)).toBe(ZERO_TIME)
    expect(goTime(Number.NaN)).toBe(ZERO_TIME)
    expect(goTime(1)).toBe('1970-01-01T00:00:01Z')
  })
})

describe('inviteCode', () => {
  it.each([
    ['AbCdEfGhIjKlMnOpQrStUv', 'AbCdEfGhIjKlMnOpQrStUv'],
    ['https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv', 'AbCdEfGhIjKlMnOpQrStUv'],
    ['  http://chat.whatsapp.com/invite/AbCdEf_-12?utm=x ', 'AbCdEf_-12'],
    ['chat.whatsapp.com/AbCdEfGhIj/', 'AbCdEfGhIj']
  ])('%j is code %j', (given, code) => {
    expect(inviteCode(given)).toBe(code)
  })

  it.each([
    ['', 'missing Code in Payload'],
    ['   ', 'missing Code in Payload'],
    ['https://example.com/AbCdEfGhIj', /^invalid Code: /],
    ['abc', /^invalid Code: /],
    ['has spaces in it', /^invalid Code: /]
  ])('%j is refused', (given, message) => {
    expect(() => inviteCode(given)).toThrow(message)
  })
})
