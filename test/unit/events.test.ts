import { canonicalEventType, parseEventList } from '../../src/events/catalogue.js'

describe('event names', () => {
  it('canonicalises case-insensitively', () => {
    expect(canonicalEventType('readreceipt')).toBe('ReadReceipt')
    expect(canonicalEventType(' ALL ')).toBe('All')
    expect(canonicalEventType('Nope')).toBeUndefined()
  })

  it('parses CSV and lists, de-duplicating and reporting unknown names', () => {
    expect(parseEventList('Message, message,,ReadReceipt')).toEqual({ events: ['Message', 'ReadReceipt'], unknown: [] })
    expect(parseEventList(['HistorySync', 'Bogus'])).toEqual({ events: ['HistorySync'], unknown: ['Bogus'] })
  })
})
