import makeWASocket, { generateMessageIDV2, type WASocket } from '@whiskeysockets/baileys'
import pino from 'pino'
import { RemoteSandboxDriver } from '../../src/sandbox/driver.js'
import { closeCode, memoryAuthState, waitForUpdate } from '../../src/sandbox/testing.js'
import { waitForAck } from '../../src/whatsapp/ack.js'
import { closedLoop, openLoop, percentile, rss } from '../lib.js'

/**
 * Baselines on bare Baileys sockets, on the same emulator as the gateway (SANDBOX_URL):
 * MODE=send: one socket, `sock.sendMessage` + the server's ack (what POST /chat/send/text waits for);
 * MODE=sessions: N paired idle sockets in one process, its RSS at each checkpoint.
 */
const env = process.env
const driver = await RemoteSandboxDriver.connect(env.SANDBOX_URL ?? '')
const logger = pino({ level: 'silent' })

async function paired (pn: string): Promise<WASocket> {
  const auth = memoryAuthState()
  const socket = (): WASocket => makeWASocket({ auth, logger, markOnlineOnConnect: false, defaultQueryTimeoutMs: 20_000, ...driver.socketOptions() })
  const first = socket()
  const { qr } = await waitForUpdate(first, u => u.qr !== undefined, 20_000)
  const closed = waitForUpdate(first, u => u.connection === 'close', 20_000)
  await driver.scanQr(qr ?? '', pn)
  const code = closeCode(await closed)
  if (code !== 515) throw new Error(`expected 515 after pairing, got ${String(code)}`)
  const sock = socket()
  await waitForUpdate(sock, u => u.connection === 'open', 20_000)
  return sock
}

if (env.MODE === 'send') {
  const sock = await paired(env.PN ?? '')
  const to = `${env.TO ?? ''}@s.whatsapp.net`
  const send = async (i: number): Promise<void> => {
    const id = generateMessageIDV2(sock.user?.id)
    const wait = waitForAck(sock, id, 20_000)
    await sock.sendMessage(to, { text: `baseline ${i}` }, { messageId: id })
    const ack = await wait.ack
    if (ack.attrs.error !== undefined) throw new Error(`refused ${ack.attrs.error}`)
  }
  await closedLoop(20, 4, send)
  const throughput = await closedLoop(Number(env.COUNT), Number(env.CONCURRENCY), send)
  const lat = await openLoop(Number(env.RATE), Number(env.SECONDS), send)
  process.stdout.write(JSON.stringify({ perSecond: throughput.perSecond, failed: throughput.failed + lat.failed, p50: percentile(lat.latencies, 50), p99: percentile(lat.latencies, 99) }) + '\n')
  sock.end(undefined)
} else {
  const checkpoints = (env.CHECKPOINTS ?? '10').split(',').map(Number)
  const socks: WASocket[] = []
  const base = rss(process.pid)
  const at: Record<string, number> = {}
  for (let i = 1; i <= Math.max(...checkpoints); i++) {
    socks.push(await paired(`${env.PN_PREFIX ?? '54911999'}${String(i).padStart(5, '0')}`))
    if (checkpoints.includes(i)) {
      await new Promise(resolve => setTimeout(resolve, 2000))
      at[i] = rss(process.pid)
    }
  }
  process.stdout.write(JSON.stringify({ base, at }) + '\n')
  for (const s of socks) s.end(undefined)
}
await driver.close()
process.exit(0)
