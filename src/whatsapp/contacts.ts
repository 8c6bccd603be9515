import { isLidUser, isPnUser, jidNormalizedUser, type Contact } from '@whiskeysockets/baileys'
import type { ContactInfo } from './types.js'

function filled (value: string | null | undefined): string | undefined {
  const v = value?.trim()
  return v === undefined || v === '' ? undefined : v
}

/**
 * Baileys' contact records (history sync conversations and push names, address-book `contacts.upsert`,
 * the `contacts.update` every received message emits) as our contact facts. Keyed by the phone JID
 * when one is known, else by the LID; groups, broadcasts and newsletters are not contacts.
 */
export function toContactInfos (contacts: ReadonlyArray<Partial<Contact>>): ContactInfo[] {
  const out: ContactInfo[] = []
  for (const c of contacts) {
    if (c.id === undefined || c.id === null) continue
    const id = jidNormalizedUser(c.id)
    const pn = isPnUser(id) ? id : filled(c.phoneNumber) !== undefined && isPnUser(jidNormalizedUser(c.phoneNumber)) ? jidNormalizedUser(c.phoneNumber) : undefined
    const lid = isLidUser(id) ? id : filled(c.lid) !== undefined && isLidUser(jidNormalizedUser(c.lid)) ? jidNormalizedUser(c.lid) : undefined
    const jid = pn ?? lid
    if (jid === undefined) continue
    const fullName = filled(c.name)
    const info: ContactInfo = { jid }
    if (lid !== undefined && lid !== jid) info.lid = lid
    if (fullName !== undefined) {
      info.fullName = fullName
      info.firstName = fullName.split(/\s+/)[0] ?? fullName
    }
    const pushName = filled(c.notify)
    if (pushName !== undefined) info.pushName = pushName
    const businessName = filled(c.verifiedName)
    if (businessName !== undefined) info.businessName = businessName
    out.push(info)
  }
  return out
}
