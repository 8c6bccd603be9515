import { AppError } from '../errors.js'
import { MEDIA_RULES, type MediaKind } from './kinds.js'

/** 413: a media file over its kind's limit; names the field, the limit and the variable that sets it. */
export class MediaTooLargeError extends AppError {
  constructor (field: string, kind: MediaKind, limitBytes: number) {
    super(413, `${field} is too large: the limit for ${kind} files is ${limitBytes} bytes (${MEDIA_RULES[kind].limitVariable})`, {}, 'payload_too_large')
  }
}
