/**
 * Sticker pack metadata in a WebP's EXIF, as WhatsApp stickers carry it: a little-endian TIFF with
 * one IFD entry, tag 0x5741 ("WA"), type UNDEFINED, whose value is the JSON
 * `{"sticker-pack-id","sticker-pack-name","sticker-pack-publisher","emojis"}`, at offset 22 (the
 * layout WhatsApp's own sticker tools write). Pure: buffers in, buffers out.
 */

/** The pack fields of `/chat/send/sticker` (wuzapi's `PackId`, `PackName`, `PackPublisher`, `Emojis`). */
export interface StickerPack {
  id?: string
  name?: string
  publisher?: string
  emojis?: string[]
}

const TAG = 0x5741
const VALUE_OFFSET = 22

/** Whether any pack field is set (an empty pack writes no EXIF). */
export function hasPack (pack: StickerPack): boolean {
  return pack.id !== undefined || pack.name !== undefined || pack.publisher !== undefined || (pack.emojis?.length ?? 0) > 0
}

/** The EXIF payload (a TIFF) for a pack; `id` is used as given (the caller picks one when absent). */
export function stickerExif (pack: StickerPack & { id: string }): Buffer {
  const json: Record<string, unknown> = {
    'sticker-pack-id': pack.id,
    'sticker-pack-name': pack.name ?? '',
    'sticker-pack-publisher': pack.publisher ?? ''
  }
  if (pack.emojis !== undefined && pack.emojis.length > 0) json.emojis = pack.emojis
  const value = Buffer.from(JSON.stringify(json), 'utf8')
  const head = Buffer.alloc(VALUE_OFFSET)
  head.write('II', 0, 'latin1')
  head.writeUInt16LE(42, 2)
  head.writeUInt32LE(8, 4)
  head.writeUInt16LE(1, 8)
  head.writeUInt16LE(TAG, 10)
  head.writeUInt16LE(7, 12)
  head.writeUInt32LE(value.length, 14)
  head.writeUInt32LE(VALUE_OFFSET, 18)
  return Buffer.concat([head, value])
}

/** Reads the pack JSON back from an EXIF payload; undefined when it carries none. */
export function readStickerExif (exif: Buffer): Record<string, unknown> | undefined {
  if (exif.length < VALUE_OFFSET || exif.toString('latin1', 0, 2) !== 'II') return undefined
  const entries = exif.readUInt16LE(8)
  for (let i = 0; i < entries; i++) {
    const at = 10 + i * 12
    if (at + 12 > exif.length) return undefined
    if (exif.readUInt16LE(at) !== TAG) continue
    const length = exif.readUInt32LE(at + 4)
    const offset = exif.readUInt32LE(at + 8)
    if (offset + length > exif.length) return undefined
    try {
      const parsed: unknown = JSON.parse(exif.toString('utf8', offset, offset + length))
      return typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

interface Chunk { fourcc: string, data: Buffer }

function chunks (webp: Buffer): Chunk[] {
  if (webp.length < 12 || webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') {
    throw new Error('not a WebP file')
  }
  const out: Chunk[] = []
  let at = 12
  while (at + 8 <= webp.length) {
    const fourcc = webp.toString('latin1', at, at + 4)
    const size = webp.readUInt32LE(at + 4)
    if (at + 8 + size > webp.length) throw new Error(`truncated WebP chunk ${fourcc}`)
    out.push({ fourcc, data: webp.subarray(at + 8, at + 8 + size) })
    at += 8 + size + (size % 2)
  }
  return out
}

/** Canvas size and alpha of a simple-format WebP's image chunk (`VP8 ` or `VP8L`). */
function simpleInfo (c: Chunk): { width: number, height: number, alpha: boolean } {
  if (c.fourcc === 'VP8L') {
    const bits = c.data.readUInt32LE(1)
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 }
  }
  return { width: c.data.readUInt16LE(6) & 0x3fff, height: c.data.readUInt16LE(8) & 0x3fff, alpha: false }
}

function chunkBytes (c: Chunk): Buffer {
  const head = Buffer.alloc(8)
  head.write(c.fourcc, 0, 'latin1')
  head.writeUInt32LE(c.data.length, 4)
  return Buffer.concat(c.data.length % 2 === 1 ? [head, c.data, Buffer.alloc(1)] : [head, c.data])
}

/**
 * The WebP with `exif` as its EXIF chunk (replacing one it had): a simple WebP becomes an extended
 * one (a `VP8X` header with the EXIF flag), an extended one gets the flag set; the image data is
 * not touched. Throws for bytes that are not a WebP.
 */
export function withWebpExif (webp: Buffer, exif: Buffer): Buffer {
  const list = chunks(webp).filter(c => c.fourcc !== 'EXIF')
  const first = list[0]
  if (first === undefined) throw new Error('a WebP without chunks')
  let vp8x: Chunk
  if (first.fourcc === 'VP8X') {
    vp8x = { fourcc: 'VP8X', data: Buffer.from(first.data) }
    list.shift()
  } else {
    const info = simpleInfo(first)
    const data = Buffer.alloc(10)
    data[0] = info.alpha ? 0x10 : 0
    data.writeUIntLE(info.width - 1, 4, 3)
    data.writeUIntLE(info.height - 1, 7, 3)
    vp8x = { fourcc: 'VP8X', data }
  }
  vp8x.data[0] = (vp8x.data[0] ?? 0) | 0x08
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), ...[vp8x, ...list, { fourcc: 'EXIF', data: exif }].map(chunkBytes)])
  const riff = Buffer.alloc(8)
  riff.write('RIFF', 0, 'latin1')
  riff.writeUInt32LE(body.length, 4)
  return Buffer.concat([riff, body])
}
