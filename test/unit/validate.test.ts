import { z } from 'zod'
import { ValidationError } from '../../src/errors.js'
import { setWebhookSchema } from '../../src/http/schemas/webhook.js'
import { normalizeKeys, parseInput } from '../../src/http/validate.js'

const schema = z.object({
  Phone: z.string(),
  Body: z.string().optional(),
  ContextInfo: z.object({ StanzaID: z.string().optional(), MentionedJID: z.array(z.string()).optional() }).optional(),
  Items: z.array(z.object({ RowId: z.string() })).optional()
})

describe('normalizeKeys', () => {
  it('matches keys case-insensitively, as Go\'s encoding/json does', () => {
    expect(normalizeKeys(schema, { phone: '1', BODY: 'hi' })).toEqual({ Phone: '1', Body: 'hi' })
  })

  it('prefers the exact spelling when several spellings are sent', () => {
    expect(normalizeKeys(schema, { phone: 'lower', Phone: 'exact' })).toEqual({ Phone: 'exact' })
  })

  it('drops unknown keys and walks nested objects and arrays', () => {
    expect(normalizeKeys(schema, { Phone: '1', extra: true, contextinfo: { stanzaId: 'A', mentionedJid: ['x'] }, items: [{ rowid: 'r' }] }))
      .toEqual({ Phone: '1', ContextInfo: { StanzaID: 'A', MentionedJID: ['x'] }, Items: [{ RowId: 'r' }] })
  })
})

describe('parseInput', () => {
  it('returns the typed value', () => {
    expect(parseInput(schema, { PHONE: '5491155554444', body: 'x' })).toEqual({ Phone: '5491155554444', Body: 'x' })
  })

  it('names a missing field the way wuzapi does', () => {
    expect(() => parseInput(schema, {})).toThrow(new ValidationError('missing Phone in Payload'))
  })

  it('names a field of the wrong type', () => {
    expect(() => parseInput(schema, { Phone: 123 })).toThrow('invalid Phone: expected string, received number')
  })

  it('names nested fields with their path', () => {
    expect(() => parseInput(schema, { Phone: '1', ContextInfo: { StanzaID: 5 } })).toThrow('invalid ContextInfo.StanzaID')
  })

  it('refuses a body that is not an object', () => {
    expect(() => parseInput(schema, ['x'])).toThrow('could not decode Payload: expected a JSON object')
  })
})

describe('request schema limits', () => {
  it('names the union branch that failed: a CSV of events over its limit', () => {
    expect(() => parseInput(setWebhookSchema, { events: 'Message,'.repeat(600) })).toThrow('invalid events: must be at most 4096 characters')
  })

  it('names the union branch that failed: a list of events with too many entries', () => {
    expect(() => parseInput(setWebhookSchema, { events: Array.from({ length: 65 }, () => 'Message') })).toThrow('invalid events: must have at most 64 entries')
  })

  it('keeps the generic message when no branch takes the value\'s type', () => {
    expect(() => parseInput(setWebhookSchema, { events: 42 })).toThrow('invalid events: Invalid input')
  })
})
