import { extractMessageContent, getBinaryNodeChild, proto } from '@whiskeysockets/baileys'
import type { BinaryNode } from '@whiskeysockets/baileys'
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { unixNow } from './core.js'
import type { SandboxCore } from './core.js'
import { pnJid } from './directory.js'
import type { EdgeConnection } from './edge-server.js'
import type { MediaHost } from './media-host.js'

const RETRY_INFO = 'WhatsApp Media Retry Notification'

/** The media fields of a decoded message, if it carries media. */
function mediaOf (message: proto.IMessage): { mediaKey?: Uint8Array | null; directPath?: string | null } | undefined {
  const c = extractMessageContent(message)
  return c?.imageMessage ?? c?.videoMessage ?? c?.audioMessage ?? c?.documentMessage ?? c?.stickerMessage ?? undefined
}

/** MediaRetryNotification encrypted as WhatsApp does: AES-256-GCM, key HKDF(mediaKey), the message id as AAD. */
function encryptNotification (notification: proto.IMediaRetryNotification, mediaKey: Uint8Array, id: string): { ciphertext: Buffer; iv: Buffer } {
  const key = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), RETRY_INFO, 32))
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(id))
  const plain = proto.MediaRetryNotification.encode(notification).finish()
  return { ciphertext: Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]), iv }
}

/**
 * A companion's media retry request (`<receipt type="server-error">` with `<rmr>`, Baileys'
 * `updateMediaMessage`): the account's phone looks the message up among those it received,
 * uploads its copy of the media again and answers with a `<notification type="mediaretry">`
 * carrying the new direct path (encrypted), or an `<error>` when it no longer has the message or
 * the media (NOT_FOUND), as a phone does.
 */
export function answerMediaRetry (core: SandboxCore, media: MediaHost, conn: EdgeConnection, node: BinaryNode): void {
  const acc = conn.pn === undefined ? undefined : core.account(conn.pn)
  const rmr = getBinaryNodeChild(node, 'rmr')
  const id = node.attrs.id
  if (!acc || conn.device === undefined || !rmr || !id) return
  const rec = [...acc.received].reverse().find(r => r.id === id && r.message)
  const content = rec?.message ? mediaOf(proto.Message.decode(rec.message)) : undefined
  const newPath = content?.directPath ? media.reupload(content.directPath) : undefined
  const attrs = { from: pnJid(acc.pn), type: 'mediaretry', id, t: String(unixNow()) }
  const echo: BinaryNode = { tag: 'rmr', attrs: { ...rmr.attrs } }
  let answer: BinaryNode
  if (content?.mediaKey && newPath) {
    const { ciphertext, iv } = encryptNotification(
      { stanzaId: id, directPath: newPath, result: proto.MediaRetryNotification.ResultType.SUCCESS },
      content.mediaKey,
      id
    )
    answer = {
      tag: 'notification',
      attrs,
      content: [
        { tag: 'encrypt', attrs: {}, content: [{ tag: 'enc_p', attrs: {}, content: ciphertext }, { tag: 'enc_iv', attrs: {}, content: iv }] },
        echo
      ]
    }
  } else {
    const code = String(proto.MediaRetryNotification.ResultType.NOT_FOUND)
    answer = { tag: 'notification', attrs, content: [{ tag: 'error', attrs: { code } }, echo] }
  }
  core.deliver(acc.pn, conn.device, answer)
}
