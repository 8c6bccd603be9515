import type { ContactRow, ContactsRepo } from '../db/repos/contacts.js'
import type { SessionRegistry } from '../whatsapp/session-registry.js'

/** wuzapi's contact info (whatsmeow's `types.ContactInfo`). */
export interface ContactView {
  Found: boolean
  FirstName: string
  FullName: string
  PushName: string
  BusinessName: string
  RedactedPhone: string
}

function view (row: ContactRow): ContactView {
  return { Found: true, FirstName: row.first_name, FullName: row.full_name, PushName: row.push_name, BusinessName: row.business_name, RedactedPhone: '' }
}

/**
 * The contacts table of each user (Baileys 7 keeps no store): kept from what the sessions report
 * (history sync, address-book changes, push names of incoming messages), read by `/user/contacts`.
 */
export class ContactsService {
  private unsubscribe: (() => void) | undefined

  constructor (private readonly contacts: ContactsRepo, private readonly registry: SessionRegistry) {}

  /** Starts recording what the sessions report; returns the stop. */
  listen (): () => void {
    this.unsubscribe ??= this.registry.onEvent((userId, event) => {
      if (event.type === 'contacts') this.contacts.merge(userId, event.contacts)
      // the message's push name: Baileys reports it too, but only while its event buffer flushes
      if (event.type === 'message' && !event.message.fromMe && event.message.pushName !== '' && !event.message.sender.endsWith('@g.us')) {
        this.contacts.merge(userId, [{ jid: event.message.sender, pushName: event.message.pushName }])
      }
    })
    return () => {
      this.unsubscribe?.()
      this.unsubscribe = undefined
    }
  }

  /** wuzapi's `/user/contacts` map: JID → contact info. */
  list (userId: string): Record<string, ContactView> {
    const out: Record<string, ContactView> = {}
    for (const row of this.contacts.list(userId)) out[row.jid] = view(row)
    return out
  }

  /** What the table knows of one JID (a phone JID or a LID). */
  find (userId: string, jid: string): ContactRow | undefined {
    return jid.endsWith('@lid') ? this.contacts.byLid(userId, jid) ?? this.contacts.byJid(userId, jid) : this.contacts.byJid(userId, jid)
  }
}
