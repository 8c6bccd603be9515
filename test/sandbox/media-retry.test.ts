import { downloadMediaMessage } from '@whiskeysockets/baileys'
import type { WAMessage } from '@whiskeysockets/baileys'
import { Sandbox } from '../../src/sandbox/index.js'
import type { VirtualPhone } from '../../src/sandbox/index.js'
import { Inbox, pairClient, quietLibsignal } from '../../src/sandbox/testing.js'
import type { PairedClient } from '../../src/sandbox/testing.js'

describe('sandbox media expiry and media retry (re-upload by the phone)', () => {
  let sb: Sandbox
  let client: PairedClient
  let carol: VirtualPhone
  const inbox = new Inbox()
  const restore = [quietLibsignal()]
  const photo = Buffer.alloc(4000, 3)

  beforeAll(async () => {
    sb = await Sandbox.start()
    carol = sb.createPhone('5511777790003', 'Carol')
    client = await pairClient(sb, '5511999990071', { onSocket: s => inbox.attach(s) })
  })

  afterAll(async () => {
    await client.end()
    await sb.stop()
    restore.forEach(r => r())
  })

  const download = async (m: WAMessage): Promise<Buffer> => (await downloadMediaMessage(m, 'buffer', sb.downloadOptions())) as Buffer

  it('answers 410 for expired media until the phone uploads it again on the device\'s request', async () => {
    const id = await carol.sendMessage(client.jid, { image: photo, jpegThumbnail: '' })
    const got = await inbox.waitForMessage(m => m.key.id === id)
    expect((await download(got)).equals(photo)).toBe(true)
    const oldPath = got.message!.imageMessage!.directPath!

    expect(sb.expireMedia(got.message!.imageMessage!.url!)).toBe(oldPath)
    await expect(download(got)).rejects.toMatchObject({ output: { statusCode: 410 } })

    const sandboxUrl = got.message!.imageMessage!.url!
    const updated = await client.sock.updateMediaMessage(got)
    const newPath = updated.message!.imageMessage!.directPath!
    expect(newPath).not.toBe(oldPath)
    // Baileys points the url at mmg.whatsapp.net; the sandbox serves the new path on its own host.
    // The re-upload is the same encrypted file: the message's key and hashes still hold.
    const again: WAMessage = { ...updated, message: { imageMessage: { ...updated.message!.imageMessage!, url: sandboxUrl } } }
    expect((await download(again)).equals(photo)).toBe(true)
    const old: WAMessage = { ...updated, message: { imageMessage: { ...updated.message!.imageMessage!, url: sandboxUrl, directPath: oldPath } } }
    await expect(download(old)).rejects.toMatchObject({ output: { statusCode: 410 } })
  })

  it('answers NOT_FOUND (404) for a message the phone does not have', async () => {
    const id = await carol.sendMessage(client.jid, { image: photo, jpegThumbnail: '' })
    const got = await inbox.waitForMessage(m => m.key.id === id)
    const unknown: WAMessage = { ...got, key: { ...got.key, id: 'NOT0A0MESSAGE0OF0THE0PHONE' } }
    await expect(client.sock.updateMediaMessage(unknown)).rejects.toMatchObject({ output: { statusCode: 404 } })
  })

  it('refuses to expire media it does not host', () => {
    expect(() => sb.expireMedia('/v/t62.sandbox/image/nope.enc')).toThrow('no media at /v/t62.sandbox/image/nope.enc')
  })
})
