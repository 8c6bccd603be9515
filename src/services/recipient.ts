import { ValidationError } from '../errors.js'

/** How phone numbers without a country code are read. */
export interface RecipientRules {
  /** Put in front of national numbers written with a leading 0 ('' refuses them). */
  defaultCountryCode: string
}

const SEPARATORS = /[\s\-.()]/g
const USER_SERVERS = new Set(['s.whatsapp.net', 'c.us'])

function invalid (field: string, value: string, problem: string): ValidationError {
  return new ValidationError(`invalid ${field} "${value.length > 64 ? value.slice(0, 64) + '…' : value}": ${problem}`)
}

/** A JID as given: users (`@s.whatsapp.net`, `@c.us`, `@lid`), groups (`@g.us`) and `status@broadcast`. */
function fromJid (value: string, field: string): string {
  const at = value.lastIndexOf('@')
  const server = value.slice(at + 1).toLowerCase()
  // some wuzapi integrations write user JIDs with a leading + (ContextInfo.Participant)
  const user = value.slice(0, at).replace(/^\+/, '')
  // whatsmeow prints device JIDs as 5491155554444.0:52@s.whatsapp.net: a chat is the user, not a device
  const person = user.replace(/(\.\d+)?(:\d+)?$/, '')
  if (server === 'broadcast') {
    if (user !== 'status') throw invalid(field, value, 'the only broadcast JID is status@broadcast')
    return 'status@broadcast'
  }
  if (USER_SERVERS.has(server)) {
    if (!/^[1-9]\d{4,19}$/.test(person)) throw invalid(field, value, 'the part before @s.whatsapp.net must be the phone number with the country code, digits only')
    return `${person}@s.whatsapp.net`
  }
  if (server === 'lid') {
    if (!/^\d{5,20}$/.test(person)) throw invalid(field, value, 'the part before @lid must be digits')
    return `${person}@lid`
  }
  if (server === 'g.us') {
    if (!/^\d{5,20}(-\d{5,20})?$/.test(user)) throw invalid(field, value, 'a group JID looks like 120363012345678901@g.us')
    return `${user}@g.us`
  }
  throw invalid(field, value, 'use a phone number or a JID ending in @s.whatsapp.net, @g.us, @lid or status@broadcast')
}

/** A phone number: digits with or without +, spaces, dashes, dots, brackets; 00 as the international prefix. */
function fromPhone (value: string, field: string, rules: RecipientRules): string {
  let digits = value.replace(SEPARATORS, '')
  if (digits.startsWith('+')) digits = digits.slice(1)
  else if (digits.startsWith('00')) digits = digits.slice(2)
  else if (digits.startsWith('0')) {
    if (rules.defaultCountryCode === '') throw invalid(field, value, 'a national number (leading 0): write it with the country code, or set DEFAULT_COUNTRY_CODE')
    digits = rules.defaultCountryCode + digits.slice(1)
  }
  if (!/^\d+$/.test(digits)) throw invalid(field, value, 'a phone number has digits only (with the country code, e.g. 5491155554444)')
  if (digits.startsWith('0')) throw invalid(field, value, 'a country code never starts with 0')
  if (digits.length < 7 || digits.length > 15) throw invalid(field, value, 'a phone number has 7 to 15 digits with the country code')
  return `${digits}@s.whatsapp.net`
}

/**
 * The JID a wuzapi `Phone` (or `Chat`, `Participant`, ...) field names, or a 400 naming the field
 * and what is wrong with the value.
 */
export function parseRecipient (value: string, field: string, rules: RecipientRules): string {
  const trimmed = value.trim()
  if (trimmed === '') throw new ValidationError(`missing ${field} in Payload`)
  return trimmed.includes('@') ? fromJid(trimmed, field) : fromPhone(trimmed, field, rules)
}
