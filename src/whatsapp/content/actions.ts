import type { BuiltContent, EditOut, ReactionOut, RevokeOut } from '../outgoing.js'

function key (ref: EditOut['target']): { remoteJid: string, fromMe: boolean, id: string, participant?: string } {
  return { remoteJid: ref.chat, fromMe: ref.fromMe, id: ref.id, ...(ref.participant !== undefined ? { participant: ref.participant } : {}) }
}

/** Edits, revokes and reactions refer to an earlier message by its key. */
export function actionContent (message: EditOut | RevokeOut | ReactionOut): BuiltContent {
  switch (message.kind) {
    case 'edit': return { content: { text: message.text, edit: key(message.target) } }
    case 'revoke': return { content: { delete: key(message.target) } }
    case 'reaction': return { content: { react: { text: message.emoji, key: key(message.target) } } }
  }
}
