import { isLidUser, isPnUser, jidDecode, jidNormalizedUser, type WASocket } from '@whiskeysockets/baileys'
import { addressBook, type AddressBook } from './webhook-events/source.js'

/**
 * The LID↔phone-number pairs the socket's store knows for `jids` (and our own login), as an
 * {@link AddressBook} for the pure event mappers. Local lookups only (Baileys stores the pairs
 * WhatsApp sends with each message): a miss never becomes a query to WhatsApp, so this is safe
 * on the delivery-receipt path. A failed lookup gives a book without the pair.
 */
export async function resolveAddressBook (sock: WASocket, jids: ReadonlyArray<string | null | undefined>): Promise<AddressBook> {
  const me = sock.authState.creds.me
  const users = [...new Set(jids.filter((j): j is string => typeof j === 'string' && j !== '').map(j => jidNormalizedUser(j)))]
  const pairs: Array<[string, string]> = []
  const lids = users.filter(j => isLidUser(j) === true)
  const pns = users.filter(j => isPnUser(j) === true)
  try {
    if (lids.length > 0) {
      for (const p of await sock.signalRepository.lidMapping.getPNsForLIDs(lids) ?? []) pairs.push([p.lid, p.pn])
    }
    if (pns.length > 0) {
      const pnUsers = pns.map(j => jidDecode(j)?.user ?? '').filter(u => u !== '')
      const stored = await sock.authState.keys.get('lid-mapping', pnUsers)
      for (const u of pnUsers) {
        const lidUser = stored[u]
        if (typeof lidUser === 'string' && lidUser !== '') pairs.push([`${u}@s.whatsapp.net`, `${lidUser}@lid`])
      }
    }
  } catch {
    // an unreadable store leaves the pairs unknown; the events still carry what the stanza said
  }
  return addressBook(me?.id ?? '', me?.lid ?? '', pairs)
}
