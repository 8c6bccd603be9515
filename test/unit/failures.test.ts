import { AppError, ConflictError, SessionStateError, ValidationError } from '../../src/errors.js'
import { SandboxError } from '../../src/sandbox/errors.js'
import { toAppError } from '../../src/services/failures.js'
import { SendError, WhatsAppError } from '../../src/whatsapp/errors.js'

/** A Boom error as Baileys throws it, without importing Baileys. */
function boom (statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: {} } })
}

interface Row { failure: unknown, status: number, reason: string, extra?: Record<string, unknown>, message?: RegExp }

const rows: Array<[string, Row]> = [
  ['a ValidationError', { failure: new ValidationError('missing Phone in Payload'), status: 400, reason: 'invalid_input', message: /^missing Phone in Payload$/ }],
  ['a ConflictError', { failure: new ConflictError('dup'), status: 409, reason: 'conflict' }],
  ['a SessionStateError', { failure: new SessionStateError('no', 'qr'), status: 409, reason: 'not_connected', extra: { state: 'qr' } }],
  ['SendError not_connected', { failure: new SendError('not connected', 'not_connected', { state: 'connecting' }), status: 409, reason: 'not_connected', extra: { state: 'connecting' } }],
  ['SendError no_ack', { failure: new SendError('no ack', 'no_ack', { messageId: '3EB0ABC' }), status: 504, reason: 'no_ack', extra: { Id: '3EB0ABC' }, message: /3EB0ABC/ }],
  ['SendError refused', { failure: new SendError('refused', 'refused', { serverCode: '479' }), status: 502, reason: 'refused', extra: { serverCode: '479' }, message: /479/ }],
  ['WhatsAppError 408', { failure: new WhatsAppError('Timed Out', 408), status: 504, reason: 'upstream_timeout' }],
  ['WhatsAppError 428', { failure: new WhatsAppError('Connection Closed', 428), status: 409, reason: 'not_connected' }],
  ['WhatsAppError 404', { failure: new WhatsAppError('item-not-found', 404), status: 404, reason: 'not_found' }],
  ['WhatsAppError 401', { failure: new WhatsAppError('not-authorized', 401), status: 403, reason: 'forbidden' }],
  ['WhatsAppError 403', { failure: new WhatsAppError('forbidden', 403), status: 403, reason: 'forbidden' }],
  ['WhatsAppError 500', { failure: new WhatsAppError('internal-server-error', 500), status: 502, reason: 'whatsapp_error' }],
  ['WhatsAppError without a code', { failure: new WhatsAppError('odd', undefined), status: 502, reason: 'whatsapp_error' }],
  ['a raw Boom 408', { failure: boom(408, 'Timed Out'), status: 504, reason: 'upstream_timeout' }],
  ['a raw Boom 428', { failure: boom(428, 'Connection Closed'), status: 409, reason: 'not_connected' }],
  ['a raw Boom 406', { failure: boom(406, 'not-acceptable'), status: 502, reason: 'whatsapp_error' }],
  ['Baileys\' app-state key missing', { failure: boom(400, 'App state key not present!'), status: 409, reason: 'not_synced', message: /app-state keys are not synced yet/ }],
  ['another raw Boom 400', { failure: boom(400, 'bad-request'), status: 502, reason: 'whatsapp_error' }],
  ['SandboxError unknown_number', { failure: new SandboxError('unknown_number', 'unknown number 5491100001111'), status: 404, reason: 'unknown_number', message: /^unknown number 5491100001111$/ }],
  ['SandboxError no_pairing_request', { failure: new SandboxError('no_pairing_request', 'no pending pairing-code request'), status: 404, reason: 'no_pairing_request' }],
  ['SandboxError invalid_qr', { failure: new SandboxError('invalid_qr', 'bad qr'), status: 404, reason: 'invalid_qr' }]
]

describe('toAppError', () => {
  it.each(rows)('maps %s', (_name, row) => {
    const mapped = toAppError(row.failure)
    expect(mapped).toBeInstanceOf(AppError)
    expect({ status: mapped?.status, reason: mapped?.reason, extra: mapped?.extra }).toEqual({ status: row.status, reason: row.reason, extra: row.extra ?? {} })
    if (row.message !== undefined) expect(mapped?.message).toMatch(row.message)
  })

  it('returns an AppError as it is', () => {
    const err = new ValidationError('x')
    expect(toAppError(err)).toBe(err)
  })

  it.each([
    ['a plain Error', new Error('database connection is not open')],
    ['a TypeError', new TypeError('x is undefined')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
    ['an object with a non-numeric statusCode', { output: { statusCode: '408' } }]
  ])('leaves %s unmapped (a 500)', (_name, failure) => {
    expect(toAppError(failure)).toBeUndefined()
  })
})
