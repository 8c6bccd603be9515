import { jidNormalizedUser, type WAMessage, type WASocket } from '@whiskeysockets/baileys'
import type { Logger } from '../util/logger.js'
import { resolveAddressBook } from './address-book.js'
import { toChatMessage } from './chat-message.js'
import { TtlCache } from './ttl-cache.js'
import type { SessionEvent } from './types.js'
import { messageEvent, undecryptableEvent } from './webhook-events/message.js'
import { decryptVote, pollRecord, votedPollId, type PollStore } from './webhook-events/poll-vote.js'
import { messageSource, type AddressBook } from './webhook-events/source.js'

/**
 * How long a message handed over before its receipt is remembered, so its later `messages.upsert`
 * (delayed by Baileys' event buffer during an offline sync) is not emitted again.
 */
const HANDLED_TTL_MS = 60 * 60_000
const HANDLED_MAX = 100_000

/** Keys a message carries content in besides what rides along (an SKDM-only message is not news). */
const BESIDE = new Set(['messageContextInfo', 'senderKeyDistributionMessage'])

function handledKey (m: WAMessage): string {
  return `${jidNormalizedUser(m.key.remoteJid ?? '')}|${m.key.participant ?? ''}|${m.key.id ?? ''}`
}

function hasContent (m: WAMessage): boolean {
  const message = m.message
  if (message == null) return false
  return Object.entries(message).some(([k, v]) => !BESIDE.has(k) && v !== null && v !== undefined)
}

/**
 * A session's incoming messages: each becomes one session `message` event (the chat message and
 * wuzapi's `Message` webhook event), emitted before WhatsApp gets the delivery receipt when
 * Baileys hands the message over first (`beforeMessageReceipt`), else from `messages.upsert`
 * (placeholder resends, and any path without the hook), never from both. Polls are stored so
 * votes on them can be decrypted later.
 */
export class InboundMessages {
  private readonly handled = new TtlCache(HANDLED_TTL_MS, HANDLED_MAX)
  private upserts: Promise<void> = Promise.resolve()

  constructor (
    private readonly userId: string,
    private readonly deps: {
      polls: PollStore
      emit: (event: SessionEvent) => void
      /** True for the id of a message this session sent (Baileys echoes each as an upsert). */
      ownSend: (id: string) => boolean
      logger: Logger
    }
  ) {}

  /**
   * The `beforeMessageReceipt` hook: maps and emits the message (listeners commit it synchronously)
   * and resolves; the receipt follows. A throw nacks the message and WhatsApp redelivers it.
   */
  async beforeReceipt (sock: WASocket, m: WAMessage): Promise<void> {
    const book = await this.bookFor(sock, m)
    this.handle(sock, m, book)
    this.handled.set(handledKey(m), true)
  }

  /** A `messages.upsert` batch: what the hook did not hand over, in order; our own sends' echoes are skipped. */
  upserted (sock: WASocket, messages: readonly WAMessage[]): void {
    const pending = messages.filter(m => {
      const key = handledKey(m)
      if (this.handled.get(key) !== undefined) {
        this.handled.del(key)
        return false
      }
      return !(m.key.fromMe === true && this.deps.ownSend(m.key.id ?? ''))
    })
    if (pending.length === 0) return
    this.upserts = this.upserts.then(async () => {
      for (const m of pending) {
        try {
          this.handle(sock, m, await this.bookFor(sock, m))
        } catch (err) {
          this.deps.logger.error({ err, id: m.key.id }, 'could not emit an incoming message')
        }
      }
    })
  }

  /** The address book for a message: its JIDs, and the author of the poll it votes on. */
  private async bookFor (sock: WASocket, m: WAMessage): Promise<AddressBook> {
    const pollId = votedPollId(m.message)
    const poll = pollId === '' ? undefined : this.deps.polls.find(this.userId, pollId)
    const k = m.key
    return await resolveAddressBook(sock, [k.remoteJid, k.remoteJidAlt, k.participant, k.participantAlt, poll?.creator])
  }

  private handle (sock: WASocket, m: WAMessage, book: AddressBook): void {
    const undecryptable = undecryptableEvent(m, book)
    if (undecryptable !== undefined) {
      this.deps.emit({ type: 'webhook', event: undecryptable })
      return
    }
    if (!hasContent(m)) return
    const ownJid = sock.user?.id ?? book.ownPn
    this.storePoll(m, book)
    const pollId = votedPollId(m.message)
    const poll = pollId === '' ? undefined : this.deps.polls.find(this.userId, pollId)
    const pollVote = poll === undefined ? undefined : decryptVote(m, poll, book)
    const webhook = messageEvent(m, { book, ...(pollVote !== undefined ? { pollVote } : {}) })
    const message = toChatMessage(m, ownJid)
    if (message !== undefined) this.deps.emit({ type: 'message', message, webhook })
    else if (webhook !== undefined) this.deps.emit({ type: 'webhook', event: webhook })
  }

  private storePoll (m: WAMessage, book: AddressBook): void {
    const source = messageSource(m.key, book)
    const poll = pollRecord(source.Chat, m.key.id ?? '', source.Sender, m.message)
    if (poll !== undefined) this.deps.polls.save(this.userId, poll)
  }
}
