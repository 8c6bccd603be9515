import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { gzipSync } from 'node:zlib'
import type { proto } from '@whiskeysockets/baileys'
import { Agent, fetch as undiciFetch } from 'undici'
import type { VirtualPhone } from '../../src/sandbox/phones.js'
import { downloadReceived } from '../helpers/media.js'
import type { TestServer } from '../helpers/server.js'
import { loginWithQr, startSandboxServer } from '../helpers/session.js'

// JSON bodies of the media routes are read as a stream: the data URL goes to a temporary file
const USER_PHONE = '5491100007711'
const PEER = '5491100007712'
const MB = 1024 * 1024

let server: TestServer
let user: { id: string, token: string }
let phone: VirtualPhone
let tempDir: string

beforeAll(async () => {
  tempDir = mkdtempSync(path.join(tmpdir(), 'chat-media-stream-test-'))
  server = await startSandboxServer({ MEDIA_TEMP_DIR: tempDir, BODY_LIMIT: '48mb' })
  user = await loginWithQr(server, USER_PHONE)
  phone = server.sandbox!.createPhone(PEER)
})

afterAll(async () => {
  await server.stop()
  rmSync(tempDir, { recursive: true, force: true })
})

afterEach(() => {
  const left = readdirSync(tempDir)
  for (const name of left) rmSync(path.join(tempDir, name), { force: true })
  expect(left).toEqual([])
})

/**
 * Each send on a connection of its own: a big upload on a pooled keep-alive connection can race
 * the server closing that connection as idle, which no retry covers for a POST.
 */
async function send (route: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number, body: any }> {
  const dispatcher = new Agent({ pipelining: 0 })
  try {
    const res = await undiciFetch(`${server.url}${route}`, { method: 'POST', headers: { Token: user.token, 'Content-Type': 'application/json', ...headers }, body, dispatcher })
    return { status: res.status, body: await res.json() }
  } catch (err) {
    // what the server said about it, to tell a network error from a server-side failure
    console.error(server.logText().split('\n').slice(-8).join('\n'))
    throw err
  } finally {
    await dispatcher.close()
  }
}

/** A full collection, so the baseline holds no garbage for the server's allocations to reuse unseen. */
function collectGarbage (): void {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  gc()
}

/**
 * The JSON body built straight into one buffer, the base64 written piece by piece: no string of the
 * whole body is left on the heap for the server's own allocations to reuse, which would hide them.
 */
function jsonWithDataUrl (fields: Record<string, string>, field: string, type: string, bytes: Buffer): Buffer {
  const head = Buffer.from(`${JSON.stringify(fields).slice(0, -1)},"${field}":"data:${type};base64,`)
  const body = Buffer.alloc(head.length + Math.ceil(bytes.length / 3) * 4 + 2)
  head.copy(body)
  let at = head.length
  const piece = 3 * 64 * 1024
  for (let i = 0; i < bytes.length; i += piece) at += body.write(bytes.subarray(i, i + piece).toString('base64'), at, 'latin1')
  at += body.write('"}', at, 'latin1')
  return body.subarray(0, at)
}

async function receivedDocument (id: string): Promise<proto.Message.IDocumentMessage> {
  const got = await phone.waitForMessage(m => m.id === id, 60_000)
  expect(got.error ?? null).toBeNull()
  const doc = got.message!.documentMessage ?? got.message!.documentWithCaptionMessage?.message?.documentMessage
  expect(doc).toBeDefined()
  return doc!
}

async function download (doc: proto.Message.IDocumentMessage): Promise<Buffer> {
  return await downloadReceived(server, doc, 'document')
}

it('delivers a 24 MB document sent as a data URL intact, the server never holding the body several times over', async () => {
  const bytes = randomBytes(24 * MB)
  const body = jsonWithDataUrl({ Phone: PEER, FileName: 'big.bin' }, 'Document', 'application/octet-stream', bytes)
  collectGarbage()
  const base = process.memoryUsage().rss
  let peak = base
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 10)
  let res: { status: number, body: any }
  try {
    res = await send('/chat/send/document', body)
  } finally {
    clearInterval(sampler)
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  const rise = peak - base
  console.log(`peak RSS rise while sending a ${bytes.length / MB} MB data URL: ${(rise / MB).toFixed(1)} MB`)
  expect(res.body).toMatchObject({ code: 200, success: true, data: { Details: 'Sent' } })
  expect(rise).toBeLessThan(3 * bytes.length)
  const doc = await receivedDocument(res.body.data.Id)
  expect(doc.fileName).toBe('big.bin')
  expect((await download(doc)).equals(bytes)).toBe(true)
}, 120_000)

it('reads the media field in any case, and a gzip-compressed body', async () => {
  const bytes = Buffer.from('%PDF-1.4\n' + 'y'.repeat(5000))
  const json = JSON.stringify({ phone: PEER, fileName: 'a.pdf', document: `data:application/pdf;base64,${bytes.toString('base64')}`, Caption: 'zipped' })
  const res = await send('/chat/send/document', gzipSync(json), { 'Content-Encoding': 'gzip' })
  expect(res.body).toMatchObject({ code: 200, success: true })
  const doc = await receivedDocument(res.body.data.Id)
  expect([doc.fileName, doc.caption]).toEqual(['a.pdf', 'zipped'])
  expect((await download(doc)).equals(bytes)).toBe(true)
})

it.each([
  ['malformed JSON', '{"Phone": "x", "Document": "data:application/pdf;base64,QUJD', 400, 'could not decode Payload: malformed JSON ('],
  ['a JSON string', '"data:application/pdf;base64,QUJD"', 400, 'could not decode Payload: malformed JSON (invalid JSON, only supports object and array)'],
  ['a JSON array', '[1, 2]', 400, 'could not decode Payload: expected a JSON object'],
  ['a prototype key', '{"__proto__": {"Phone": "x"}}', 400, 'could not decode Payload: malformed JSON ('],
  ['a body over BODY_LIMIT', JSON.stringify({ Phone: PEER, FileName: 'a', Document: `data:application/pdf;base64,${'QUJD'.repeat(13 * MB)}` }), 413, 'BODY_LIMIT'],
  ['a gzip body that does not decompress', 'not gzip', 400, 'could not be decompressed as gzip'],
  ['numbers and booleans as JSON beside a data URL (not form text)', JSON.stringify({ Phone: PEER, Seconds: 3, ptt: true, Audio: 'data:audio/ogg;base64,QUJD' }), 400, 'Audio is a file of unrecognised type']
])('%s', async (name, body, status, message) => {
  const route = name.startsWith('numbers') ? '/chat/send/audio' : '/chat/send/document'
  const res = await send(route, body, name.includes('gzip') ? { 'Content-Encoding': 'gzip' } : {})
  expect(res.body.error).toContain(message)
  expect(res.body).toMatchObject({ code: status, success: false })
  expect(res.status).toBe(status)
})
