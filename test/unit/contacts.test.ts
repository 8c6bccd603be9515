import type { Contact } from '@whiskeysockets/baileys'
import { toContactInfos } from '../../src/whatsapp/contacts.js'

describe('toContactInfos', () => {
  it.each<[string, Partial<Contact>, unknown]>([
    ['a push name from a received message (contacts.update)', { id: '5511999990001@s.whatsapp.net', notify: 'Ana', verifiedName: undefined }, { jid: '5511999990001@s.whatsapp.net', pushName: 'Ana' }],
    ['an address-book contact with its LID (contacts.upsert)', { id: '5511999990002@s.whatsapp.net', name: 'Bruno Costa', lid: '123456789012345@lid', phoneNumber: '5511999990002@s.whatsapp.net' },
      { jid: '5511999990002@s.whatsapp.net', lid: '123456789012345@lid', fullName: 'Bruno Costa', firstName: 'Bruno' }],
    ['a LID-addressed contact with its phone number: keyed by the phone JID', { id: '123456789012346@lid', name: 'Carla', phoneNumber: '5511999990003@s.whatsapp.net' },
      { jid: '5511999990003@s.whatsapp.net', lid: '123456789012346@lid', fullName: 'Carla', firstName: 'Carla' }],
    ['a LID alone', { id: '123456789012347@lid', notify: 'Dani' }, { jid: '123456789012347@lid', pushName: 'Dani' }],
    ['a device JID and a business name', { id: '5511999990004:3@s.whatsapp.net', verifiedName: 'Shop Ltd' }, { jid: '5511999990004@s.whatsapp.net', businessName: 'Shop Ltd' }],
    ['blank names are not names', { id: '5511999990005@s.whatsapp.net', name: '  ', notify: '' }, { jid: '5511999990005@s.whatsapp.net' }]
  ])('reads %s', (_what, contact, expected) => {
    expect(toContactInfos([contact])).toEqual([expected])
  })

  it('skips groups, broadcasts, newsletters and records without an id', () => {
    expect(toContactInfos([
      { id: '120363012345678901@g.us', name: 'A group' },
      { id: 'status@broadcast' },
      { id: '120363999999999999@newsletter', name: 'News' },
      { name: 'no id' }
    ])).toEqual([])
  })
})
