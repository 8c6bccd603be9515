import { proto, type BinaryNode } from '@whiskeysockets/baileys'
import type { BuiltContent, ButtonAction, ButtonsOut, ListOut } from '../outgoing.js'
import { contextInfo } from './context.js'

/**
 * Buttons and lists as wuzapi sends them. Baileys rc14 builds neither from content, so the proto is
 * built here and relayed with the `<biz>` node WhatsApp's clients need to render it.
 */

/** Native-flow buttons: WhatsApp names each kind and takes its parameters as a JSON string. */
function nativeButton (button: ButtonAction): proto.Message.InteractiveMessage.NativeFlowMessage.INativeFlowButton {
  switch (button.type) {
    case 'reply': return { name: 'quick_reply', buttonParamsJson: JSON.stringify({ display_text: button.title, id: button.id }) }
    case 'url': return { name: 'cta_url', buttonParamsJson: JSON.stringify({ display_text: button.title, url: button.url, merchant_url: button.url }) }
    case 'call': return { name: 'cta_call', buttonParamsJson: JSON.stringify({ display_text: button.title, phone_number: button.phone }) }
    case 'copy': return { name: 'cta_copy', buttonParamsJson: JSON.stringify({ display_text: button.title, copy_code: button.code }) }
  }
}

const NATIVE_FLOW_BIZ: BinaryNode = {
  tag: 'biz',
  attrs: {},
  content: [{ tag: 'interactive', attrs: { type: 'native_flow', v: '1' }, content: [{ tag: 'native_flow', attrs: { v: '9', name: 'mixed' } }] }]
}

const LIST_BIZ: BinaryNode = { tag: 'biz', attrs: {}, content: [{ tag: 'list', attrs: { type: 'product_list', v: '2' } }] }

export function buttonsContent (message: ButtonsOut): BuiltContent {
  const context = contextInfo(message.context)
  const interactiveMessage: proto.Message.IInteractiveMessage = {
    header: { title: message.title ?? '', hasMediaAttachment: false },
    body: { text: message.body },
    ...(message.footer !== undefined ? { footer: { text: message.footer } } : {}),
    nativeFlowMessage: { buttons: message.buttons.map(nativeButton), messageVersion: 1 },
    ...(context !== undefined ? { contextInfo: context } : {})
  }
  return { proto: { interactiveMessage }, nodes: [NATIVE_FLOW_BIZ] }
}

export function listContent (message: ListOut): BuiltContent {
  const context = contextInfo(message.context)
  const listMessage: proto.Message.IListMessage = {
    title: message.title ?? '',
    description: message.body,
    buttonText: message.buttonText,
    listType: proto.Message.ListMessage.ListType.SINGLE_SELECT,
    sections: message.sections.map(s => ({
      title: s.title,
      rows: s.rows.map(r => ({ rowId: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}) }))
    })),
    ...(message.footer !== undefined ? { footerText: message.footer } : {}),
    ...(context !== undefined ? { contextInfo: context } : {})
  }
  return { proto: { listMessage }, nodes: [LIST_BIZ] }
}
