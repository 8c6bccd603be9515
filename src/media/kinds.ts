/** The media families WhatsApp sends, one per `/chat/send/<kind>` route. */
export type MediaKind = 'image' | 'audio' | 'video' | 'sticker' | 'document'

/** Largest accepted file per kind, in bytes. */
export type MediaLimits = Readonly<Record<MediaKind, number>>

/** What a route accepts: a test on the sniffed mimetype and the words a 400 uses for it. */
export interface MediaRule {
  /** `undefined` when the type could not be recognised; documents accept anything. */
  accepts: (sniffed: string | undefined) => boolean
  expected: string
  /** The environment variable that sets the limit, named in 413 answers. */
  limitVariable: string
}

function oneOf (...types: string[]): (sniffed: string | undefined) => boolean {
  const set = new Set(types)
  return sniffed => sniffed !== undefined && set.has(sniffed)
}

/**
 * Types WhatsApp clients display for each kind. Images must be something sharp can thumbnail and
 * phones show inline; audio and video are what phones play (ffmpeg then checks they decode, and
 * makes voice notes Opus). Stickers are sent as WebP: PNG, JPEG and GIF are converted. Documents
 * are any file.
 */
export const MEDIA_RULES: Readonly<Record<MediaKind, MediaRule>> = {
  image: { accepts: oneOf('image/jpeg', 'image/png', 'image/webp', 'image/gif'), expected: 'an image (JPEG, PNG, WebP or GIF)', limitVariable: 'MEDIA_MAX_IMAGE' },
  audio: { accepts: sniffed => sniffed?.startsWith('audio/') === true || sniffed === 'video/ogg', expected: 'an audio file (Ogg/Opus, MP3, AAC, M4A...)', limitVariable: 'MEDIA_MAX_AUDIO' },
  video: { accepts: oneOf('video/mp4', 'video/3gpp', 'video/quicktime'), expected: 'a video (MP4 or 3GP)', limitVariable: 'MEDIA_MAX_VIDEO' },
  sticker: { accepts: oneOf('image/webp', 'image/png', 'image/jpeg', 'image/gif'), expected: 'a sticker image (WebP, PNG, JPEG or GIF)', limitVariable: 'MEDIA_MAX_STICKER' },
  document: { accepts: () => true, expected: 'any file', limitVariable: 'MEDIA_MAX_DOCUMENT' }
}

/** The largest limit: what a multipart upload may reach before its route's own limit is known. */
export function largestLimit (limits: MediaLimits): number {
  return Math.max(...Object.values(limits))
}
