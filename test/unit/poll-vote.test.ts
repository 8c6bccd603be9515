import { decryptPollVote } from '@whiskeysockets/baileys'
import { randomBytes } from 'node:crypto'
import { encryptPollVote, optionHash } from '../../src/sandbox/poll-vote.js'

describe('sandbox poll votes', () => {
  const ctx = { pollMsgId: '3EB0POLL', pollCreatorJid: '5491100000001@s.whatsapp.net', voterJid: '5491100000002@s.whatsapp.net', pollEncKey: randomBytes(32) }

  it('encrypts a vote Baileys decrypts to the options\' SHA-256 hashes', () => {
    const vote = encryptPollVote(['Pizza', 'Tacos'], ctx)
    expect(vote.encIv).toHaveLength(12)
    const out = decryptPollVote(vote, ctx)
    expect(out.selectedOptions.map(o => Buffer.from(o).toString('hex'))).toEqual([optionHash('Pizza').toString('hex'), optionHash('Tacos').toString('hex')])
  })

  it.each([
    ['another poll key', { pollEncKey: randomBytes(32) }],
    ['another voter', { voterJid: '5491100000003@s.whatsapp.net' }],
    ['another poll id', { pollMsgId: '3EB0OTHER' }]
  ])('cannot be decrypted with %s', (_name, change) => {
    const vote = encryptPollVote(['Pizza'], ctx)
    expect(() => decryptPollVote(vote, { ...ctx, ...change })).toThrow()
  })
})
