import { base64Size, decodeBase64, looksLikeDataUrl, splitDataUrl } from '../../src/media/data-url.js'

describe('splitDataUrl never throws and says what is wrong', () => {
  it.each([
    ['', { ok: false, problem: 'not-data-url' }],
    ['d', { ok: false, problem: 'not-data-url' }],
    ['data', { ok: false, problem: 'not-data-url' }],
    ['data:', { ok: false, problem: 'not-data-url' }],
    ['data:,', { ok: false, problem: 'not-base64' }],
    ['data:image/png,abc', { ok: false, problem: 'not-base64' }],
    ['data:image/png;charset=utf-8,abc', { ok: false, problem: 'not-base64' }],
    ['data:image/png;base64', { ok: false, problem: 'not-data-url' }],
    ['data:image/png;base64,', { ok: false, problem: 'empty' }],
    ['data:;base64,', { ok: false, problem: 'empty' }],
    [`data:${'x'.repeat(2000)};base64,QQ==`, { ok: false, problem: 'not-data-url' }],
    ['https://example.com/a.png', { ok: false, problem: 'not-data-url' }],
    ['data:image/png;base64,QQ==', { ok: true, mimetype: 'image/png', payloadStart: 22 }],
    ['DATA:Image/PNG;BASE64,QQ==', { ok: true, mimetype: 'image/png', payloadStart: 22 }],
    ['data:;base64,QQ==', { ok: true, mimetype: undefined, payloadStart: 13 }],
    ['data:application/pdf;name=a.pdf;base64,QQ==', { ok: true, mimetype: 'application/pdf', payloadStart: 39 }],
    ['data:text/plain;base64,a,b', { ok: true, mimetype: 'text/plain', payloadStart: 23 }]
  ])('%j', (input, expected) => {
    expect(splitDataUrl(input)).toEqual(expected)
  })

  it('looksLikeDataUrl is a case-insensitive prefix test that copes with short strings', () => {
    expect(['', 'd', 'data', 'dat:x'].map(looksLikeDataUrl)).toEqual([false, false, false, false])
    expect(['data:', 'DaTa:x'].map(looksLikeDataUrl)).toEqual([true, true])
  })
})

describe('decodeBase64 is strict: padded, standard or URL-safe alphabet, nothing else', () => {
  it.each([
    ['QUJD', 'ABC'],
    ['QUI=', 'AB'],
    ['QQ==', 'A'],
    ['+/8=', Buffer.from([0xfb, 0xff]).toString('latin1')],
    ['-_8=', Buffer.from([0xfb, 0xff]).toString('latin1')]
  ])('decodes %j', (input, expected) => {
    const result = decodeBase64(input)
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.data.toString('latin1')).toBe(expected)
  })

  it.each([
    ['', 'bad-length'],
    ['Q', 'bad-length'],
    ['QQ', 'bad-length'],
    ['QUJDQ', 'bad-length'],
    ['QUJDQU', 'bad-length'],
    ['QU*D', 'bad-character'],
    ['QU D', 'bad-character'],
    ['QQ=A', 'bad-character'],
    ['QQ==QQ==', 'bad-character'],
    ['====', 'bad-character'],
    ['QUJD\n', 'bad-length'],
    ['ÿÿÿÿ', 'bad-character']
  ])('refuses %j (%s)', (input, problem) => {
    expect(decodeBase64(input)).toEqual({ ok: false, problem })
  })

  it('decodes from an offset, and the size is known before decoding', () => {
    const value = 'data:x/y;base64,' + Buffer.from('hello world').toString('base64')
    expect(base64Size(value, 16)).toBe(11)
    const result = decodeBase64(value, 16)
    expect(result.ok && result.data.toString()).toBe('hello world')
    expect(base64Size('abc', 5)).toBeUndefined()
    expect(base64Size('QUJD', 4)).toBeUndefined()
  })

  it('round-trips random bytes of every length up to 64', () => {
    for (let n = 1; n <= 64; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256))
      const result = decodeBase64(bytes.toString('base64'))
      expect(result.ok && result.data.equals(bytes)).toBe(true)
    }
  })
})
