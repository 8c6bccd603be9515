import { createHash } from 'node:crypto'
import { decryptPollVote, jidNormalizedUser, type proto, type WAMessage } from '@whiskeysockets/baileys'
import type { Json } from '../../events/catalogue.js'
import type { AddressBook } from './source.js'

/** A poll as the session keeps it to read votes on it (see `PollStore`). */
export interface PollRecord {
  chat: string
  id: string
  /** The poll's author (phone JID or LID, no device). */
  creator: string
  /** `messageContextInfo.messageSecret`, base64. */
  secret: string
  options: string[]
}

/** Where a session keeps the polls it sent and received (SQLite in the server; injected through `SessionEnv`). */
export interface PollStore {
  save (userId: string, poll: PollRecord): void
  find (userId: string, messageId: string): PollRecord | undefined
}

function optionNames (m: proto.IMessage): string[] | undefined {
  const poll = m.pollCreationMessage ?? m.pollCreationMessageV2 ?? m.pollCreationMessageV3 ?? m.pollCreationMessageV5
  if (poll == null) return undefined
  return (poll.options ?? []).map(o => o.optionName ?? '')
}

function secretOf (m: proto.IMessage): string {
  const secret = m.messageContextInfo?.messageSecret
  return secret == null || secret.length === 0 ? '' : Buffer.from(secret).toString('base64')
}

/**
 * The poll a message creates (its id, chat, author, secret and options), or undefined when it is not
 * a poll creation or carries no secret. `creator` is who wrote it: `ownJid` for our own messages.
 */
export function pollRecord (chat: string, id: string, creator: string, message: proto.IMessage | null | undefined): PollRecord | undefined {
  if (message == null || id === '' || chat === '') return undefined
  const inner = message.ephemeralMessage?.message ?? message
  const options = optionNames(inner)
  const secret = secretOf(message) || secretOf(inner)
  if (options === undefined || secret === '') return undefined
  return { chat, id, creator: creator === '' ? '' : jidNormalizedUser(creator), secret, options }
}

/** The id of the poll a vote is about, or '' when the message is not a vote. */
export function votedPollId (message: proto.IMessage | null | undefined): string {
  const update = message?.pollUpdateMessage ?? message?.ephemeralMessage?.message?.pollUpdateMessage
  return update?.pollCreationMessageKey?.id ?? ''
}

/** Each JID and its other form (the voter and the creator sign with whichever form the chat used). */
function forms (jids: ReadonlyArray<string | null | undefined>, book: AddressBook): string[] {
  const out: string[] = []
  for (const j of jids) {
    if (j == null || j === '') continue
    const norm = jidNormalizedUser(j)
    for (const f of [norm, book.alt(norm)]) if (f !== undefined && f !== '' && !out.includes(f)) out.push(f)
  }
  return out
}

/**
 * A poll vote decrypted with the stored poll, in wuzapi's shape: `{pollCreationMsgID, selectedOptions,
 * selectedHashesB64}` (options named by their SHA-256, as WhatsApp hashes them). The vote is signed
 * with the JIDs the voter used (phone JID or LID for both the poll's author and the voter), so each
 * pairing of the known forms is tried; undefined when the message is not a vote or none decrypts.
 */
export function decryptVote (m: WAMessage, poll: PollRecord, book: AddressBook): Record<string, Json> | undefined {
  const update = m.message?.pollUpdateMessage ?? m.message?.ephemeralMessage?.message?.pollUpdateMessage
  const vote = update?.vote
  if (update == null || vote?.encPayload == null || vote.encIv == null || poll.secret === '') return undefined
  const key = m.key
  const voters = key.fromMe === true
    ? forms([book.ownPn, book.ownLid], book)
    : forms([key.participant, key.participantAlt, key.participant == null || key.participant === '' ? key.remoteJid : undefined, key.remoteJidAlt], book)
  const creators = forms([poll.creator], book)
  const pollEncKey = Buffer.from(poll.secret, 'base64')
  for (const pollCreatorJid of creators) {
    for (const voterJid of voters) {
      let decrypted: proto.Message.PollVoteMessage
      try {
        decrypted = decryptPollVote(vote as { encPayload: Uint8Array, encIv: Uint8Array }, { pollCreatorJid, pollMsgId: poll.id, pollEncKey, voterJid })
      } catch {
        continue
      }
      const hashes = (decrypted.selectedOptions ?? []).map(h => Buffer.from(h))
      const byHash = new Map(poll.options.map(o => [createHash('sha256').update(o).digest('base64'), o]))
      const b64 = hashes.map(h => h.toString('base64'))
      return {
        pollCreationMsgID: poll.id,
        selectedOptions: b64.flatMap(h => byHash.get(h) ?? []),
        selectedHashesB64: b64
      }
    }
  }
  return undefined
}
