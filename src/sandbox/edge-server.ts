import { Curve, decodeBinaryNode, encodeBinaryNode } from '@whiskeysockets/baileys'
import type { BinaryNode, KeyPair, proto } from '@whiskeysockets/baileys'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import type { AddressInfo } from 'node:net'
import { FrameReader, NoiseServer, frame } from './noise.js'
import { makeNoiseCertChain } from './trust.js'

/** What the edge server hands to the sandbox core. */
export interface EdgeHooks {
  /** Handshake finished; payload carries either login (`username`) or registration data. */
  onHandshake(conn: EdgeConnection, payload: proto.ClientPayload): void;
  /** A decoded binary node arrived on an established connection. */
  onNode(conn: EdgeConnection, node: BinaryNode): void | Promise<void>;
  /** The connection closed (either side). */
  onClose(conn: EdgeConnection): void;
}

let connCounter = 0

/** One client WebSocket after (or during) the Noise handshake. */
export class EdgeConnection {
  /** Unique connection id (for logs and pairing lookups). */
  readonly id = ++connCounter
  /** Client noise static key (known after the handshake). */
  clientStatic?: Buffer
  /** Account phone-number user once logged in. */
  pn?: string
  /** Device id once logged in. */
  device?: number
  /** Registration data while pairing. */
  registration?: proto.ClientPayload.IDevicePairingRegistrationData
  /** QR refs sent to this connection. */
  refs: string[] = []
  closed = false
  private readonly noise: NoiseServer
  private readonly reader = new FrameReader()
  private stage: 'hello' | 'finish' | 'open' = 'hello'
  private chain: Promise<void> = Promise.resolve()

  constructor (
    private readonly ws: WebSocket,
    staticKey: KeyPair,
    certChain: Uint8Array,
    private readonly hooks: EdgeHooks
  ) {
    this.noise = new NoiseServer(staticKey, certChain)
    ws.on('message', data => this.onData(data as Buffer))
    ws.on('close', () => this.markClosed())
    ws.on('error', () => this.markClosed())
  }

  /** Whether the connection is a logged-in device. */
  get loggedIn (): boolean {
    return this.pn !== undefined && this.device !== undefined
  }

  private markClosed (): void {
    if (this.closed) return
    this.closed = true
    this.hooks.onClose(this)
  }

  private onData (data: Buffer): void {
    for (const f of this.reader.push(Buffer.from(data))) {
      this.chain = this.chain.then(() => this.onFrame(f)).catch(() => this.terminate())
    }
  }

  private async onFrame (f: Buffer): Promise<void> {
    if (this.closed) return
    if (this.stage === 'hello') {
      this.ws.send(frame(this.noise.serverHello(f)))
      this.stage = 'finish'
      return
    }
    if (this.stage === 'finish') {
      const { clientStatic, payload } = this.noise.clientFinish(f)
      this.clientStatic = clientStatic
      this.stage = 'open'
      this.hooks.onHandshake(this, payload)
      return
    }
    const node = await decodeBinaryNode(this.noise.decrypt(f))
    await this.hooks.onNode(this, node)
  }

  /** Encrypts and sends one node. Silently drops it when the socket is gone. */
  send (node: BinaryNode): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return
    this.ws.send(frame(this.noise.encrypt(encodeBinaryNode(node))))
  }

  /** Sends `<stream:error>` with a code and/or child and closes. */
  streamError (code?: string, child?: BinaryNode): void {
    this.send({ tag: 'stream:error', attrs: code ? { code } : {}, content: child ? [child] : undefined })
    this.close()
  }

  /** Closes gracefully. */
  close (): void {
    setTimeout(() => this.ws.close(), 10)
    this.markClosed()
  }

  /** Drops the TCP connection without a close frame. */
  terminate (): void {
    this.ws.terminate()
    this.markClosed()
  }
}

/** A WebSocket listener speaking the WhatsApp edge protocol. */
export class EdgeServer {
  private wss?: WebSocketServer
  private readonly staticKey: KeyPair = Curve.generateKeyPair()
  private readonly certChain = makeNoiseCertChain(this.staticKey.public)
  readonly connections = new Set<EdgeConnection>()

  constructor (private readonly hooks: EdgeHooks) {}

  /** Starts listening; resolves with the bound port. */
  async listen (port: number, host: string): Promise<number> {
    const wss = new WebSocketServer({ port, host })
    this.wss = wss
    wss.on('connection', ws => {
      const conn = new EdgeConnection(ws, this.staticKey, this.certChain, {
        onHandshake: (c, p) => this.hooks.onHandshake(c, p),
        onNode: (c, n) => this.hooks.onNode(c, n),
        onClose: c => {
          this.connections.delete(c)
          this.hooks.onClose(c)
        }
      })
      this.connections.add(conn)
    })
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve)
      wss.once('error', reject)
    })
    return (wss.address() as AddressInfo).port
  }

  /** Closes every connection and the listener. */
  async close (): Promise<void> {
    for (const c of this.connections) c.terminate()
    await new Promise<void>(resolve => (this.wss ? this.wss.close(() => resolve()) : resolve()))
  }
}
