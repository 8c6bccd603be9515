import type { VirtualPhone } from '../../src/sandbox/phones.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const USER_PN = '5491100005300'
const PHONE_PN = '5491100005301'

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone

beforeAll(async () => {
  server = await startSandboxServer()
  user = await loginWithQr(server, USER_PN)
  phone = server.sandbox!.createPhone(PHONE_PN)
})
afterAll(async () => { await server.stop() })

async function post (path: string, json: unknown): Promise<{ status: number, body: any }> {
  return await server.api('POST', path, { token: user.token, json })
}

async function sendAndReceive (path: string, json: Record<string, unknown>): Promise<Awaited<ReturnType<VirtualPhone['waitForMessage']>>> {
  const res = await post(path, json)
  expect(res.body).toMatchObject({ code: 200, success: true, data: { Details: 'Sent' } })
  expect(Object.keys(res.body.data).sort()).toEqual(['Details', 'Id', 'Timestamp'])
  const got = await phone.waitForMessage(m => m.id === res.body.data.Id)
  expect(got.error ?? null).toBeNull()
  return got
}

const params = (b: { name?: string | null, buttonParamsJson?: string | null }): unknown => ({ name: b.name, params: JSON.parse(b.buttonParamsJson ?? '{}') })

describe('POST /chat/send/buttons', () => {
  it('delivers a native-flow interactive message with every button type (wuzapi spellings, case-insensitive keys)', async () => {
    const got = await sendAndReceive('/chat/send/buttons', {
      phone: PHONE_PN,
      text: 'Choose one',
      Title: 'Menu',
      Footer: 'Shop bot',
      Buttons: [
        { type: 'reply', title: 'Yes', id: 'yes' },
        { buttonId: 'no', buttonText: 'A title longer than twenty characters' },
        { type: 'cta_url', text: 'Open', url: 'https://example.com/x' },
        { type: 'cta_call', title: 'Call us', phone_number: '+5491100005399' },
        { type: 'copy', title: 'Code', copy_code: 'PROMO10' },
        { type: 'carousel', title: 'skipped' }
      ]
    })
    const im = got.message?.interactiveMessage
    expect(im?.body?.text).toBe('Choose one')
    expect(im?.header?.title).toBe('Menu')
    expect(im?.footer?.text).toBe('Shop bot')
    expect(im?.nativeFlowMessage?.buttons?.map(params)).toEqual([
      { name: 'quick_reply', params: { display_text: 'Yes', id: 'yes' } },
      { name: 'quick_reply', params: { display_text: 'A title longer than ', id: 'no' } },
      { name: 'cta_url', params: { display_text: 'Open', url: 'https://example.com/x', merchant_url: 'https://example.com/x' } },
      { name: 'cta_call', params: { display_text: 'Call us', phone_number: '+5491100005399' } },
      { name: 'cta_copy', params: { display_text: 'Code', copy_code: 'PROMO10' } }
    ])
  })

  it('answers 400 with wuzapi\'s messages for missing or unusable input', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Body: 'x', Buttons: [{ title: 'a' }] }, 'missing Phone, Body or Buttons'],
      [{ Phone: PHONE_PN, Buttons: [{ title: 'a' }] }, 'missing Phone, Body or Buttons'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: [] }, 'missing Phone, Body or Buttons'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: [{ type: 'nope', title: 'a' }, { type: 'reply', title: '  ' }] }, 'no valid buttons parsed'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: [{ type: 'cta_url', title: 'a' }] }, 'invalid Buttons[0]: a cta_url button needs url'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: [{ type: 'cta_url', title: 'a', url: 'ftp://x' }] }, 'invalid Buttons[0].url: must be an http:// or https:// URL'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: [{ type: 'cta_call', title: 'a' }] }, 'invalid Buttons[0]: a cta_call button needs phone_number'],
      [{ Phone: PHONE_PN, Body: 'x', Buttons: 'yes' }, 'invalid Buttons: expected array, received string']
    ]
    for (const [json, error] of cases) {
      const res = await post('/chat/send/buttons', json)
      expect({ json, status: res.status, error: res.body.error }).toEqual({ json, status: 400, error: expect.stringContaining(error) })
    }
  })
})

describe('POST /chat/send/list', () => {
  it('delivers a single-select list message with its sections and rows (RowId in any spelling)', async () => {
    const got = await sendAndReceive('/chat/send/list', {
      Phone: PHONE_PN,
      Desc: 'Our menu',
      TopText: 'Today',
      FooterText: 'Prices in ARS',
      ButtonText: 'See options',
      Sections: [
        { title: 'Food', rows: [{ title: 'Pizza', desc: 'Large', RowId: 'p1' }, { title: 'Pasta', rowID: 'p2' }, { title: '' }] },
        { title: 'Empty', rows: [{ title: ' ' }] },
        { title: 'Drinks', rows: [{ title: 'Water', rowId: 'd1' }, { title: 'Juice' }] }
      ]
    })
    const list = got.message?.listMessage
    expect(list).toMatchObject({ title: 'Today', description: 'Our menu', buttonText: 'See options', footerText: 'Prices in ARS', listType: 1 })
    expect(list?.sections?.map(s => ({ title: s.title, rows: s.rows?.map(r => [r.rowId, r.title, r.description ?? null]) }))).toEqual([
      { title: 'Food', rows: [['p1', 'Pizza', 'Large'], ['p2', 'Pasta', null]] },
      { title: 'Drinks', rows: [['d1', 'Water', null], ['Juice', 'Juice', null]] }
    ])
  })

  it('takes the legacy flat List, Body for Desc, and "Select" as the default button text', async () => {
    const got = await sendAndReceive('/chat/send/list', { Phone: PHONE_PN, body: 'Pick', List: [{ title: 'One', RowID: '1' }, { title: 'Two', RowId: '2' }] })
    const list = got.message?.listMessage
    expect(list?.buttonText).toBe('Select')
    expect(list?.description).toBe('Pick')
    expect(list?.sections?.map(s => s.rows?.map(r => r.rowId))).toEqual([['1', '2']])
  })

  it('answers 400 with wuzapi\'s messages for missing or unusable input', async () => {
    const rows = [{ title: 'a', RowId: '1' }]
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Desc: 'x', List: rows }, 'missing Phone in Payload'],
      [{ Phone: PHONE_PN, List: rows }, 'missing Desc/Body in Payload'],
      [{ Phone: PHONE_PN, Desc: 'x' }, 'missing Sections (or List) in Payload'],
      [{ Phone: PHONE_PN, Desc: 'x', Sections: [] }, 'missing Sections (or List) in Payload'],
      [{ Phone: PHONE_PN, Desc: 'x', Sections: [{ title: 'S', rows: [{ title: ' ' }] }] }, 'no valid sections/rows found in Payload'],
      [{ Phone: PHONE_PN, Desc: 'x', List: [{ title: 'a', RowId: '1' }, { title: 'b', RowId: '1' }] }, 'row id "1" is used twice'],
      [{ Phone: 'not a phone', Desc: 'x', List: rows }, 'Phone']
    ]
    for (const [json, error] of cases) {
      const res = await post('/chat/send/list', json)
      expect({ json, status: res.status, error: res.body.error }).toEqual({ json, status: 400, error: expect.stringContaining(error) })
    }
  })
})
