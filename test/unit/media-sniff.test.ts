import sharp from 'sharp'
import { AppError, ValidationError } from '../../src/errors.js'
import { MediaTooLargeError } from '../../src/media/errors.js'
import { largestLimit } from '../../src/media/kinds.js'
import { checkSize, checkType, sniff } from '../../src/media/sniff.js'

const pdf = Buffer.from('%PDF-1.4\n%%EOF\n' + 'x'.repeat(300))

describe('sniff finds the real type from the bytes', () => {
  it('recognises images and PDFs whatever they are called, and nothing in plain text', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#00f' } }).png().toBuffer()
    const jpeg = await sharp(png).jpeg().toBuffer()
    expect(await sniff({ data: png })).toBe('image/png')
    expect(await sniff({ data: jpeg })).toBe('image/jpeg')
    expect(await sniff({ data: pdf })).toBe('application/pdf')
    expect(await sniff({ data: Buffer.from('hello') })).toBeUndefined()
    expect(await sniff({ data: Buffer.alloc(0) })).toBeUndefined()
  })
})

describe('checkType answers 400 naming the field, what was found and what is expected', () => {
  it.each([
    ['image', 'Image', 'image/jpeg', undefined],
    ['image', 'Image', 'image/webp', undefined],
    ['image', 'Image', 'application/pdf', 'Image is a PDF document (application/pdf); expected an image (JPEG, PNG, WebP or GIF)'],
    ['image', 'Image', undefined, 'Image is a file of unrecognised type; expected an image (JPEG, PNG, WebP or GIF)'],
    ['image', 'Image', 'image/tiff', 'Image is a file (image/tiff); expected an image (JPEG, PNG, WebP or GIF)'],
    ['sticker', 'Sticker', 'image/png', undefined],
    ['sticker', 'Sticker', 'video/mp4', 'Sticker is an MP4 video (video/mp4); expected a sticker image (WebP, PNG, JPEG or GIF)'],
    ['video', 'Video', 'audio/mpeg', 'Video is an MP3 audio file (audio/mpeg); expected a video (MP4 or 3GP)'],
    ['audio', 'Audio', 'audio/ogg', undefined],
    ['document', 'Document', undefined, undefined],
    ['document', 'Document', 'application/pdf', undefined]
  ] as const)('%s route, %s of type %s', (kind, field, sniffed, message) => {
    const check = (): void => { checkType(kind, field, sniffed) }
    if (message === undefined) expect(check).not.toThrow()
    else {
      expect(check).toThrow(ValidationError)
      expect(check).toThrow(message)
    }
  })
})

describe('checkSize', () => {
  it('passes at the limit and answers 413 naming the field, limit and variable past it', () => {
    expect(() => { checkSize('image', 'Image', 1000, 1000) }).not.toThrow()
    let caught: unknown
    try { checkSize('document', 'Document', 1001, 1000) } catch (err) { caught = err }
    expect(caught).toBeInstanceOf(MediaTooLargeError)
    expect(caught).toBeInstanceOf(AppError)
    expect(caught).toMatchObject({ status: 413, reason: 'payload_too_large', message: 'Document is too large: the limit for document files is 1000 bytes (MEDIA_MAX_DOCUMENT)' })
  })

  it('largestLimit is what multipart uploads may reach', () => {
    expect(largestLimit({ image: 5, audio: 6, video: 70, sticker: 1, document: 9 })).toBe(70)
  })
})
