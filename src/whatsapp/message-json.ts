import { proto } from '@whiskeysockets/baileys'

/** A proto.Message as plain JSON: lowerCamel keys, numbers for longs and enums, base64 for bytes. */
export function messageToJson (message: proto.IMessage | null | undefined): Record<string, unknown> | null {
  if (message === null || message === undefined) return null
  const decoded = message instanceof proto.Message ? message : proto.Message.fromObject(message)
  return proto.Message.toObject(decoded, { longs: Number, enums: Number, bytes: String }) as Record<string, unknown>
}
