import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { MediaType, proto } from '@whiskeysockets/baileys'
import { fileTypeFromBuffer } from 'file-type'
import sharp from 'sharp'
import { runFfmpeg } from '../../src/media/ffmpeg.js'
import { readStickerExif } from '../../src/media/webp-exif.js'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { dataUrl, downloadReceived, type ReceivedMedia } from '../helpers/media.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

const USER_PHONE = '5491100007801'
const PEER = '5491100007802'
const PEER_JID = `${PEER}@s.whatsapp.net`

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
/** The server's media temp folder: empty after every answer. */
let tempDir: string
/** Inputs made with ffmpeg and sharp for the tests. */
let fixtures: string

let mp3: Buffer
let opus: Buffer
let mp4: Buffer
let png: Buffer
let gif: Buffer
const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
/** An MPEG frame sync followed by text: sniffed as MP3, unreadable for ffmpeg. */
const brokenMp3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.from('not audio '.repeat(200))])
/** An MP4 header followed by nothing a decoder can use. */
const brokenMp4 = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\0\0isommp41'), Buffer.from('garbage '.repeat(100))])

async function make (name: string, args: string[]): Promise<Buffer> {
  const file = path.join(fixtures, name)
  await runFfmpeg(['-loglevel', 'error', ...args, file], { timeoutMs: 20_000 })
  return readFileSync(file)
}

beforeAll(async () => {
  fixtures = mkdtempSync(path.join(tmpdir(), 'chat-media-av-fixtures-'))
  mp3 = await make('tone.mp3', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libmp3lame'])
  opus = await make('tone.ogg', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'libopus', '-ac', '1', '-f', 'ogg'])
  mp4 = await make('clip.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=10:duration=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'])
  gif = await make('anim.gif', ['-f', 'lavfi', '-i', 'testsrc=size=200x100:rate=5:duration=1'])
  png = await sharp({ create: { width: 300, height: 150, channels: 4, background: { r: 30, g: 160, b: 30, alpha: 1 } } }).png().toBuffer()
  tempDir = mkdtempSync(path.join(tmpdir(), 'chat-media-av-test-'))
  server = await startSandboxServer({ MEDIA_TEMP_DIR: tempDir, MEDIA_MAX_VIDEO: '64kb' })
  user = await loginWithQr(server, USER_PHONE)
  phone = server.sandbox!.createPhone(PEER)
})

afterAll(async () => {
  await server.stop()
  rmSync(tempDir, { recursive: true, force: true })
  rmSync(fixtures, { recursive: true, force: true })
})

afterEach(() => {
  // ffmpeg's inputs, outputs and frames are gone once the answer came, whatever the answer was
  const left = readdirSync(tempDir)
  for (const name of left) rmSync(path.join(tempDir, name), { force: true })
  expect(left).toEqual([])
})

async function post (route: string, json: unknown): Promise<{ status: number, body: any }> {
  return await server.api('POST', route, { token: user.token, json })
}

async function postForm (route: string, fields: Record<string, string>, file: { bytes: Buffer, filename: string, type: string }): Promise<{ status: number, body: any }> {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append('file', new Blob([file.bytes], { type: file.type }), file.filename)
  const res = await fetch(`${server.url}${route}`, { method: 'POST', headers: { Token: user.token }, body: form })
  return { status: res.status, body: await res.json() }
}

function expectSent (res: { status: number, body: any }): string {
  expect(res.body).toMatchObject({ code: 200, success: true, data: { Details: 'Sent', Id: expect.any(String), Timestamp: expect.any(Number) } })
  expect(res.status).toBe(200)
  return res.body.data.Id
}

async function received (id: string): Promise<proto.IMessage> {
  const got = await phone.waitForMessage(m => m.id === id)
  expect(got.error ?? null).toBeNull()
  return got.message!
}

async function download (media: ReceivedMedia, type: MediaType): Promise<Buffer> {
  return await downloadReceived(server, media, type)
}

function expectError (res: { status: number, body: any }, status: number, message: string): void {
  expect(res.body.error).toContain(message)
  expect(res.body).toMatchObject({ code: status, success: false })
  expect(res.status).toBe(status)
}

describe('POST /chat/send/audio', () => {
  it('converts an MP3 to an Ogg/Opus voice note (ptt by default), with its duration', async () => {
    const id = expectSent(await post('/chat/send/audio', { Phone: PEER, Audio: dataUrl('audio/mpeg', mp3) }))
    const audio = (await received(id)).audioMessage!
    expect(audio.ptt).toBe(true)
    expect(audio.mimetype).toBe('audio/ogg; codecs=opus')
    expect(audio.seconds).toBe(1)
    const bytes = await download(audio, 'audio')
    expect(await fileTypeFromBuffer(bytes)).toMatchObject({ mime: 'audio/ogg; codecs=opus' })
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS')
  })

  it('sends an Ogg/Opus voice note unchanged (multipart upload, Seconds and Waveform as given)', async () => {
    const waveform = Buffer.from(Array.from({ length: 64 }, (_, i) => i))
    const id = expectSent(await postForm('/chat/send/audio', { Phone: PEER, Seconds: '7', Waveform: waveform.toString('base64') }, { bytes: opus, filename: 'note.ogg', type: 'audio/ogg' }))
    const audio = (await received(id)).audioMessage!
    expect(audio.ptt).toBe(true)
    expect(audio.mimetype).toBe('audio/ogg; codecs=opus')
    expect(audio.seconds).toBe(7)
    expect(Buffer.from(audio.waveform!).equals(waveform)).toBe(true)
    expect((await download(audio, 'audio')).equals(opus)).toBe(true)
  })

  it('sends other audio as it is when ptt is false', async () => {
    const id = expectSent(await post('/chat/send/audio', { Phone: PEER, Audio: dataUrl('audio/mpeg', mp3), ptt: false }))
    const audio = (await received(id)).audioMessage!
    expect(audio.ptt ?? false).toBe(false)
    expect(audio.mimetype).toBe('audio/mpeg')
    expect(audio.seconds).toBe(1)
    expect((await download(audio, 'audio')).equals(mp3)).toBe(true)
  })
})

describe('POST /chat/send/video', () => {
  it('sends an MP4 with caption, gifPlayback, its size and a JPEG thumbnail of its first frame', async () => {
    const id = expectSent(await post('/chat/send/video', { Phone: PEER, Video: dataUrl('video/mp4', mp4), Caption: 'test pattern', GifPlayback: true }))
    const video = (await received(id)).videoMessage!
    expect(video.mimetype).toBe('video/mp4')
    expect(video.caption).toBe('test pattern')
    expect(video.gifPlayback).toBe(true)
    expect([video.width, video.height]).toEqual([640, 480])
    const thumb = await sharp(Buffer.from(video.jpegThumbnail!)).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 320, 240])
    expect((await download(video, 'video')).equals(mp4)).toBe(true)
  })

  it('uses the JPEGThumbnail given and replies with ContextInfo', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } }).jpeg().toBuffer()
    const id = expectSent(await post('/chat/send/video', {
      Phone: PEER, Video: dataUrl('video/mp4', mp4), JPEGThumbnail: jpeg.toString('base64'), ContextInfo: { StanzaId: 'VID1', Participant: PEER_JID }
    }))
    const video = (await received(id)).videoMessage!
    expect(Buffer.from(video.jpegThumbnail!).equals(jpeg)).toBe(true)
    expect(video.contextInfo).toMatchObject({ stanzaId: 'VID1', participant: PEER_JID })
  })
})

describe('POST /chat/send/sticker', () => {
  it('converts a PNG to a 512x512 WebP sticker, with the pack in its EXIF', async () => {
    const id = expectSent(await post('/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/png', png), PackName: 'tests', Emojis: ['🙂'] }))
    const sticker = (await received(id)).stickerMessage!
    expect(sticker.mimetype).toBe('image/webp')
    expect(sticker.isAnimated ?? false).toBe(false)
    const bytes = await download(sticker, 'sticker')
    expect(await fileTypeFromBuffer(bytes)).toMatchObject({ mime: 'image/webp' })
    const meta = await sharp(bytes).metadata()
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([512, 512, true])
    expect(readStickerExif(meta.exif!)).toEqual({
      'sticker-pack-id': expect.stringMatching(/^[0-9a-f-]{36}$/), 'sticker-pack-name': 'tests', 'sticker-pack-publisher': '', emojis: ['🙂']
    })
  })

  it('converts an animated GIF to an animated WebP; a 512x512 WebP is sent unchanged, or with only the pack added', async () => {
    const animated = expectSent(await post('/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/gif', gif), PackId: 'com.example.anim', PackPublisher: 'Alice' }))
    const moving = (await received(animated)).stickerMessage!
    expect(moving.isAnimated).toBe(true)
    const frames = await sharp(await download(moving, 'sticker'), { animated: true }).metadata()
    expect([frames.format, frames.width, frames.pageHeight, frames.pages]).toEqual(['webp', 512, 512, 5])
    expect(readStickerExif(frames.exif!)).toEqual({ 'sticker-pack-id': 'com.example.anim', 'sticker-pack-name': '', 'sticker-pack-publisher': 'Alice' })

    const webp = await sharp({ create: { width: 512, height: 512, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } } }).webp().toBuffer()
    const id = expectSent(await post('/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/webp', webp) }))
    expect((await download((await received(id)).stickerMessage!, 'sticker')).equals(webp)).toBe(true)

    const packed = expectSent(await post('/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/webp', webp), PackName: 'kept as it is', Emojis: ['🎉', '😀'] }))
    const bytes = await download((await received(packed)).stickerMessage!, 'sticker')
    expect(readStickerExif((await sharp(bytes).metadata()).exif!)).toMatchObject({ 'sticker-pack-name': 'kept as it is', emojis: ['🎉', '😀'] })
    expect((await sharp(bytes).raw().toBuffer()).equals(await sharp(webp).raw().toBuffer())).toBe(true)
  })
})

describe('bad audio, video and sticker input is a 4xx naming the field', () => {
  it.each([
    ['a PDF as audio', '/chat/send/audio', { Phone: PEER, Audio: dataUrl('audio/mpeg', pdf) }, 400, 'Audio is a PDF document (application/pdf); expected an audio file'],
    ['an MP3 ffmpeg cannot read (voice note)', '/chat/send/audio', { Phone: PEER, Audio: dataUrl('audio/mpeg', brokenMp3) }, 400, 'could not decode Audio as audio: Invalid argument'],
    ['an MP3 ffmpeg cannot read (ptt false)', '/chat/send/audio', { Phone: PEER, Audio: dataUrl('audio/mpeg', brokenMp3), ptt: false }, 400, 'could not decode Audio as audio: Invalid argument'],
    ['no Audio', '/chat/send/audio', { Phone: PEER }, 400, 'missing Audio in Payload'],
    ['a Waveform that is not base64', '/chat/send/audio', { Phone: PEER, Audio: 'x', Waveform: 'abc' }, 400, 'Waveform is not padded base64'],
    ['an empty Video', '/chat/send/video', { Phone: PEER, Video: 'data:video/mp4;base64,' }, 400, 'invalid Video: the data URL has no data'],
    ['an MP4 ffmpeg cannot read', '/chat/send/video', { Phone: PEER, Video: dataUrl('video/mp4', brokenMp4) }, 400, 'could not decode Video as a video: Invalid data found when processing input'],
    ['a video over MEDIA_MAX_VIDEO', '/chat/send/video', { Phone: PEER, Video: dataUrl('video/mp4', Buffer.alloc(70 * 1024)) }, 413, 'Video is too large: the limit for video files is 65536 bytes (MEDIA_MAX_VIDEO)'],
    ['a PDF as sticker', '/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/png', pdf) }, 400, 'Sticker is a PDF document (application/pdf); expected a sticker image (WebP, PNG, JPEG or GIF)'],
    ['a truncated PNG as sticker', '/chat/send/sticker', { Phone: PEER, get Sticker () { return dataUrl('image/png', png.subarray(0, 60)) } }, 400, 'could not decode Sticker as an image'],
    ['a sticker over MEDIA_MAX_STICKER', '/chat/send/sticker', { Phone: PEER, Sticker: dataUrl('image/png', Buffer.alloc(1024 * 1024 + 1)) }, 413, 'MEDIA_MAX_STICKER']
  ])('%s', async (_name, route, json, status, message) => {
    expectError(await post(route, { ...json }), status, message)
  })

  it('a PDF as video', async () => {
    expectError(await post('/chat/send/video', { Phone: PEER, Video: dataUrl('video/mp4', pdf) }), 400, 'Video is a PDF document (application/pdf); expected a video (MP4 or 3GP)')
  })
})
