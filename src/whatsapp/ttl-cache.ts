import type { CacheStore } from '@whiskeysockets/baileys'

/** A small in-memory cache with per-entry expiry and a size cap, shaped as Baileys' CacheStore. */
export class TtlCache implements CacheStore {
  private readonly entries = new Map<string, { value: unknown, until: number }>()

  constructor (private readonly ttlMs: number, private readonly max = 5_000) {}

  get<T> (key: string): T | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    if (entry.until < Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value as T
  }

  set<T> (key: string, value: T): void {
    if (this.entries.size >= this.max && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.entries.set(key, { value, until: Date.now() + this.ttlMs })
  }

  del (key: string): void {
    this.entries.delete(key)
  }

  flushAll (): void {
    this.entries.clear()
  }
}
