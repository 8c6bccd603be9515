import sharp from 'sharp'
import { hasPack, readStickerExif, stickerExif, withWebpExif } from '../../src/media/webp-exif.js'

const pack = { id: 'com.example.pack', name: 'My pack', publisher: 'Alice', emojis: ['😀', '🎉'] }

/** 16×8 test images in the four WebP layouts encoders write. */
async function webps (): Promise<Array<[string, Buffer]>> {
  const opaque = { create: { width: 16, height: 8, channels: 3 as const, background: { r: 200, g: 30, b: 30 } } }
  const clear = { create: { width: 16, height: 8, channels: 4 as const, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }
  const frame = async (r: number): Promise<Buffer> => await sharp({ create: { width: 16, height: 8, channels: 4, background: { r, g: 9, b: 9, alpha: 1 } } }).png().toBuffer()
  const all: Array<[string, Buffer]> = [
    ['lossy (VP8)', await sharp(opaque).webp({ quality: 80 }).toBuffer()],
    ['lossless (VP8L)', await sharp(clear).webp({ lossless: true }).toBuffer()],
    ['lossy with alpha (VP8X + ALPH)', await sharp(clear).webp({ quality: 80 }).toBuffer()],
    ['animated (VP8X + ANIM)', await sharp([await frame(10), await frame(200)], { join: { animated: true } }).webp({ loop: 0 }).toBuffer()]
  ]
  expect(all.map(([, b]) => b.toString('latin1', 12, 16))).toEqual(['VP8 ', 'VP8L', 'VP8X', 'VP8X'])
  expect((await sharp(all[3]![1], { animated: true }).metadata()).pages).toBe(2)
  return all
}

describe('sticker pack EXIF in a WebP', () => {
  it('writes the pack JSON under tag 0x5741 at offset 22, as WhatsApp sticker tools do', () => {
    const exif = stickerExif(pack)
    expect(exif.subarray(0, 22)).toEqual(Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x41, 0x57, 7, 0, exif.length - 22, 0, 0, 0, 0x16, 0, 0, 0]))
    expect(JSON.parse(exif.subarray(22).toString('utf8'))).toEqual({
      'sticker-pack-id': 'com.example.pack', 'sticker-pack-name': 'My pack', 'sticker-pack-publisher': 'Alice', emojis: ['😀', '🎉']
    })
  })

  it('leaves out emojis when there are none, and tells an empty pack', () => {
    expect(readStickerExif(stickerExif({ id: 'x' }))).toEqual({ 'sticker-pack-id': 'x', 'sticker-pack-name': '', 'sticker-pack-publisher': '' })
    expect(hasPack({})).toBe(false)
    expect(hasPack({ emojis: [] })).toBe(false)
    expect(hasPack({ name: 'n' })).toBe(true)
  })

  it('adds the EXIF to every WebP layout without touching the image', async () => {
    for (const [name, webp] of await webps()) {
      const out = withWebpExif(webp, stickerExif(pack))
      const before = await sharp(webp, { animated: true }).metadata()
      const after = await sharp(out, { animated: true }).metadata()
      expect([name, after.width, after.height, after.pages, after.hasAlpha]).toEqual([name, before.width, before.height, before.pages, before.hasAlpha])
      expect([name, readStickerExif(after.exif!)]).toEqual([name, readStickerExif(stickerExif(pack))])
      const pixels = async (b: Buffer): Promise<Buffer> => await sharp(b, { animated: true }).raw().toBuffer()
      expect((await pixels(out)).equals(await pixels(webp))).toBe(true)
      expect(out.readUInt32LE(4)).toBe(out.length - 8)
    }
  })

  it('replaces an EXIF the WebP already had', async () => {
    const [, webp] = (await webps())[0]!
    const once = withWebpExif(webp, stickerExif({ id: 'first', name: 'one' }))
    const twice = withWebpExif(once, stickerExif({ id: 'second', name: 'two' }))
    expect(readStickerExif((await sharp(twice).metadata()).exif!)).toMatchObject({ 'sticker-pack-id': 'second', 'sticker-pack-name': 'two' })
    expect(twice.toString('latin1').split('EXIF').length - 1).toBe(1)
  })

  it('refuses bytes that are not a WebP, and reads nothing from a foreign EXIF', () => {
    expect(() => withWebpExif(Buffer.from('not a webp at all'), stickerExif(pack))).toThrow('not a WebP file')
    expect(readStickerExif(Buffer.from('MM\0*\0\0\0\x08\0\0'))).toBeUndefined()
    expect(readStickerExif(Buffer.alloc(3))).toBeUndefined()
  })
})
