import { ValidationError } from '../../src/errors.js'
import { parseRecipient } from '../../src/services/recipient.js'

const withCode = { defaultCountryCode: '54' }
const withoutCode = { defaultCountryCode: '' }

describe('parseRecipient: accepted shapes', () => {
  it.each([
    ['digits', '5491155554444', '5491155554444@s.whatsapp.net'],
    ['a leading +', '+5491155554444', '5491155554444@s.whatsapp.net'],
    ['spaces, dashes, dots and brackets', '+54 9 (11) 5555-44.44', '5491155554444@s.whatsapp.net'],
    ['00 as the international prefix', '00 49 151 2345 6789', '4915123456789@s.whatsapp.net'],
    ['surrounding whitespace', '  5491155554444\n', '5491155554444@s.whatsapp.net'],
    ['a national number with a leading 0 and DEFAULT_COUNTRY_CODE', '011 5555-4444', '541155554444@s.whatsapp.net'],
    ['a user JID', '5491155554444@s.whatsapp.net', '5491155554444@s.whatsapp.net'],
    ['a user JID with a leading +', '+5491155554444@s.whatsapp.net', '5491155554444@s.whatsapp.net'],
    ['a user JID in upper case', '5491155554444@S.WHATSAPP.NET', '5491155554444@s.whatsapp.net'],
    ['a c.us JID', '5491155554444@c.us', '5491155554444@s.whatsapp.net'],
    ['a Baileys device JID (the user is the chat)', '5491155554444:12@s.whatsapp.net', '5491155554444@s.whatsapp.net'],
    ['a whatsmeow device JID', '5491155554444.0:52@s.whatsapp.net', '5491155554444@s.whatsapp.net'],
    ['a LID', '123456789012345@lid', '123456789012345@lid'],
    ['a LID with a leading + and a device', '+123456789012345:3@lid', '123456789012345@lid'],
    ['a group JID', '120363012345678901@g.us', '120363012345678901@g.us'],
    ['an old-style group JID', '5491155554444-1600000000@g.us', '5491155554444-1600000000@g.us'],
    ['status@broadcast', 'status@broadcast', 'status@broadcast'],
    ['+status@broadcast', '+status@broadcast', 'status@broadcast']
  ])('%s: %j → %s', (_what, value, jid) => {
    expect(parseRecipient(value, 'Phone', withCode)).toBe(jid)
  })
})

describe('parseRecipient: refused shapes answer 400 naming the field and the problem', () => {
  it.each([
    ['empty', '', withCode, /^missing Phone in Payload$/],
    ['blank', '   ', withCode, /^missing Phone in Payload$/],
    ['letters', '54911abc4444', withCode, /^invalid Phone "54911abc4444": a phone number has digits only/],
    ['a + in the middle', '549+1155554444', withCode, /^invalid Phone "549\+1155554444": a phone number has digits only/],
    ['only a +', '+', withCode, /^invalid Phone "\+": a phone number has digits only/],
    ['too short', '+12345', withCode, /^invalid Phone "\+12345": a phone number has 7 to 15 digits/],
    ['too long', '+1234567890123456', withCode, /^invalid Phone "\+1234567890123456": a phone number has 7 to 15 digits/],
    ['a country code starting with 0', '+0491155554444', withCode, /^invalid Phone "\+0491155554444": a country code never starts with 0$/],
    ['a national number without DEFAULT_COUNTRY_CODE', '011 5555-4444', withoutCode, /^invalid Phone "011 5555-4444": a national number \(leading 0\).*DEFAULT_COUNTRY_CODE/],
    ['an unknown server', '5491155554444@example.com', withCode, /^invalid Phone "5491155554444@example\.com": use a phone number or a JID ending in @s\.whatsapp\.net, @g\.us, @lid or status@broadcast$/],
    ['a newsletter', '120363000000000000@newsletter', withCode, /^invalid Phone ".*": use a phone number or a JID/],
    ['no user', '@s.whatsapp.net', withCode, /^invalid Phone "@s\.whatsapp\.net": the part before @s\.whatsapp\.net must be the phone number/],
    ['letters in a user JID', 'abc@s.whatsapp.net', withCode, /^invalid Phone "abc@s\.whatsapp\.net": the part before @s\.whatsapp\.net/],
    ['a user JID with a leading 0', '01155554444@s.whatsapp.net', withCode, /^invalid Phone ".*": the part before @s\.whatsapp\.net must be the phone number with the country code/],
    ['two @', '549@1155554444@s.whatsapp.net', withCode, /^invalid Phone ".*": the part before @s\.whatsapp\.net/],
    ['letters in a LID', 'abc@lid', withCode, /^invalid Phone "abc@lid": the part before @lid must be digits$/],
    ['a bad group', 'family@g.us', withCode, /^invalid Phone "family@g\.us": a group JID looks like 120363012345678901@g\.us$/],
    ['a broadcast list', '1234567@broadcast', withCode, /^invalid Phone "1234567@broadcast": the only broadcast JID is status@broadcast$/],
    ['a very long value (shortened in the message)', '9'.repeat(100) + '@x', withCode, /^invalid Phone "9{64}…": use a phone number/]
  ])('%s: %j', (_what, value, rules, message) => {
    let caught: unknown
    try {
      parseRecipient(value, 'Phone', rules)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(ValidationError)
    expect((caught as ValidationError).status).toBe(400)
    expect((caught as ValidationError).message).toMatch(message)
  })

  it('names the field it was given', () => {
    expect(() => parseRecipient('x@lid', 'ContextInfo.Participant', withCode)).toThrow(/^invalid ContextInfo\.Participant "x@lid"/)
    expect(() => parseRecipient('', 'call_from', withCode)).toThrow(/^missing call_from in Payload$/)
  })
})
