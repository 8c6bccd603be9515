import type { WACallEvent } from '@whiskeysockets/baileys'
import type { Json, WebhookEvent } from '../../events/catalogue.js'
import { rfc3339 } from './time.js'

/** whatsmeow's `BasicCallMeta` + `CallRemoteMeta` fields of a Baileys call event. */
function callMeta (call: WACallEvent): Record<string, Json> {
  return {
    From: call.chatId,
    Timestamp: rfc3339(call.date instanceof Date ? call.date.getTime() / 1000 : undefined),
    CallCreator: call.from,
    CallCreatorAlt: call.callerPn ?? '',
    CallID: call.id,
    GroupJID: call.groupJid ?? '',
    RemotePlatform: '',
    RemoteVersion: ''
  }
}

/** The `<call>` child whatsmeow puts in `Data` (Baileys keeps no node: rebuilt from the event). */
function callData (tag: string, call: WACallEvent, extra: Record<string, string> = {}): Json {
  const attrs: Record<string, Json> = { 'call-id': call.id, 'call-creator': call.from, ...extra }
  if (call.callerPn !== undefined) attrs.caller_pn = call.callerPn
  if (call.groupJid !== undefined && call.groupJid !== null) attrs['group-jid'] = call.groupJid
  const content: Json = tag === 'offer' ? [{ Tag: call.isVideo === true ? 'video' : 'audio', Attrs: {}, Content: null }] : null
  return { Tag: tag, Attrs: attrs, Content: content }
}

/**
 * wuzapi's `CallOffer` (an incoming call) and `CallTerminate` (a call ended: hung up, rejected,
 * answered elsewhere or unanswered, `Reason` "timeout") from Baileys' `call` event; other
 * statuses (ringing, accept, relay latency...) are not emitted.
 */
export function callEvent (call: WACallEvent): WebhookEvent | undefined {
  switch (call.status) {
    case 'offer':
      return { type: 'CallOffer', event: { ...callMeta(call), Data: callData('offer', call) }, sourceKey: `call:${call.id}:offer` }
    case 'terminate':
    case 'timeout': {
      const reason = call.status === 'timeout' ? 'timeout' : ''
      return {
        type: 'CallTerminate',
        event: { ...callMeta(call), Reason: reason, Data: callData('terminate', call, reason !== '' ? { reason } : {}) },
        sourceKey: `call:${call.id}:terminate`
      }
    }
    default:
      return undefined
  }
}
