import type { AccountRecord } from './state.js'

/**
 * Whether an account's privacy hides a category (`profile`, `status`, `last`, ...) from another
 * number: `none` hides it from everyone, `contacts` from whoever it never exchanged a message with;
 * a number it blocked sees nothing.
 */
export function hiddenFrom (acc: AccountRecord, category: string, viewer: string | undefined): boolean {
  if (viewer === acc.pn) return false
  if (viewer !== undefined && acc.blocklist.includes(`${viewer}@s.whatsapp.net`)) return true
  const value = acc.privacy?.[category] ?? 'all'
  if (value === 'none') return true
  if (value === 'contacts' || value === 'contact_blacklist') return viewer === undefined || !acc.received.some(r => r.from === `${viewer}@s.whatsapp.net`)
  return false
}
