import type { BinaryNode, ConnectionState, WASocket } from '@whiskeysockets/baileys'

/** A wait for the server's `<ack>` of one stanza; `cancel` drops the timer and listeners. */
export interface AckWait {
  readonly ack: Promise<BinaryNode>
  cancel (): void
}

/**
 * Waits for the server's `<ack>` of stanza `id`. Baileys' own `waitForMessage` resolves on any
 * stanza carrying the id (a recipient's receipt too) and resolves `undefined` on timeout, so it
 * cannot tell "accepted" from "lost". Rejects when the socket closes or after `timeoutMs`. Baileys'
 * own `end()` drops every listener of the WebSocket's `close`, so its `connection.update` close is
 * watched too (a send in flight during a disconnect fails at once instead of at the timeout).
 */
export function waitForAck (sock: WASocket, id: string, timeoutMs: number): AckWait {
  let cancel = (): void => {}
  const ack = new Promise<BinaryNode>((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer)
      sock.ws.off(`TAG:${id}`, onNode)
      sock.ws.off('close', onClose)
      sock.ev.off('connection.update', onUpdate)
    }
    const onNode = (node: BinaryNode): void => {
      if (node.tag !== 'ack') return
      finish()
      resolve(node)
    }
    const onClose = (): void => {
      finish()
      reject(new Error('connection closed'))
    }
    const onUpdate = (update: Partial<ConnectionState>): void => { if (update.connection === 'close') onClose() }
    const timer = setTimeout(() => {
      finish()
      reject(new Error(`no ack within ${timeoutMs} ms`))
    }, timeoutMs)
    sock.ws.on(`TAG:${id}`, onNode)
    sock.ws.on('close', onClose)
    sock.ev.on('connection.update', onUpdate)
    cancel = finish
  })
  ack.catch(() => {})
  return { ack, cancel }
}
