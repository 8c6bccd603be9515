import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'
import { TtlCache } from './ttl-cache.js'

const GROUP_TTL_MS = 5 * 60_000

/**
 * Group metadata for sends to a group (Baileys asks before every group send, through
 * `cachedGroupMetadata`): cached for five minutes, dropped when the group's settings or
 * participants change so new members get the sender key. Survives reconnects.
 */
export class GroupMetadataCache {
  private readonly cache = new TtlCache(GROUP_TTL_MS)

  constructor (private readonly logger: Logger) {}

  /** The cached metadata, else fetched on `sock`; `undefined` lets Baileys fetch it itself. */
  async get (jid: string, sock: WASocket | undefined): Promise<GroupMetadata | undefined> {
    const hit = this.cache.get<GroupMetadata>(jid)
    if (hit !== undefined || sock === undefined) return hit
    try {
      const meta = await sock.groupMetadata(jid)
      this.cache.set(jid, meta)
      return meta
    } catch (err) {
      this.logger.debug({ jid, err }, 'group metadata fetch failed')
      return undefined
    }
  }

  upsert (groups: readonly GroupMetadata[]): void {
    for (const g of groups) this.cache.set(g.id, g)
  }

  invalidate (jid: string | undefined): void {
    if (jid) this.cache.del(jid)
  }
}
