import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MediaIntake } from '../../src/media/intake.js'
import { OutboundGuard } from '../../src/net/outbound-guard.js'

const pdf = Buffer.from('%PDF-1.4\n%%EOF\n' + 'x'.repeat(4000))
let files: Server
let base: string
let guard: OutboundGuard
let tempDir: string
let intake: MediaIntake

beforeAll(async () => {
  files = createServer((req, res) => {
    // chunks without Content-Length: only the byte count can stop the download
    if (req.url === '/big') { res.writeHead(200); res.end(pdf) } else res.writeHead(200, { 'content-length': String(pdf.length) }).end(pdf)
  })
  await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`
  guard = new OutboundGuard({ allowPrivate: true })
  tempDir = mkdtempSync(path.join(tmpdir(), 'media-intake-test-'))
  intake = new MediaIntake({ limits: { image: 1024, audio: 1024, video: 1024, sticker: 1024, document: 2048 }, tempDir, fetchTimeoutMs: 2000, guard })
})

afterAll(async () => {
  await guard.close()
  await new Promise(resolve => files.close(resolve))
  rmSync(tempDir, { recursive: true, force: true })
})

describe('MediaIntake', () => {
  it('keeps a data URL in memory, decoded, and stores nothing', async () => {
    const taken = await intake.take({ value: `data:text/plain;base64,${pdf.subarray(0, 900).toString('base64')}` }, { kind: 'document', field: 'Document' })
    expect(taken.media.data?.equals(pdf.subarray(0, 900))).toBe(true)
    expect(taken).toMatchObject({ sniffed: 'application/pdf', size: 900, media: { mimetype: 'application/pdf' } })
    expect(readdirSync(tempDir)).toEqual([])
  })

  it('refuses an oversized data URL from its length, before decoding', async () => {
    await expect(intake.take({ value: `data:;base64,${pdf.toString('base64')}` }, { kind: 'document', field: 'Document' }))
      .rejects.toMatchObject({ status: 413, message: expect.stringContaining('MEDIA_MAX_DOCUMENT') })
  })

  it('downloads a URL to a temporary file that release removes', async () => {
    const small = new MediaIntake({ limits: { image: 1024, audio: 1024, video: 1024, sticker: 1024, document: 8192 }, tempDir, fetchTimeoutMs: 2000, guard })
    const taken = await small.take({ value: `${base}/doc.pdf` }, { kind: 'document', field: 'Document', mimetype: 'application/x-mine' })
    expect(taken.media.mimetype).toBe('application/x-mine')
    expect(readdirSync(tempDir)).toEqual([path.basename(taken.media.path!)])
    await taken.release()
    expect(readdirSync(tempDir)).toEqual([])
  })

  it('leaves no file behind when a download is cut off at the limit, however quickly it fails', async () => {
    for (let i = 0; i < 20; i++) {
      await expect(intake.take({ value: `${base}/big` }, { kind: 'document', field: 'Document' })).rejects.toMatchObject({ status: 413 })
      expect(readdirSync(tempDir)).toEqual([])
    }
  })
})
