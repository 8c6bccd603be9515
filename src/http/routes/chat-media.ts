import type { MediaMessagesService, MediaSendBase } from '../../services/media-messages.js'
import { routesWith } from '../route.js'
import { sendAudioSchema, sendDocumentSchema, sendImageSchema, sendResponse, sendStickerSchema, sendVideoSchema } from '../schemas/media.js'
import { currentUser, type AppContext } from '../state.js'
import type { z } from 'zod'

export interface ChatMediaDeps { mediaMessages: MediaMessagesService }

const route = routesWith<ChatMediaDeps>()

type CommonBody = z.output<typeof sendImageSchema | typeof sendDocumentSchema | typeof sendAudioSchema | typeof sendVideoSchema | typeof sendStickerSchema>

/** The fields every media send shares; the media comes from the named field or the multipart `file` part. */
function base (ctx: AppContext, body: CommonBody, value: string | undefined): MediaSendBase {
  const upload = ctx.state.upload
  return {
    phone: body.Phone,
    id: body.Id,
    caption: body.Caption,
    mimetype: body.MimeType,
    reply: { ContextInfo: body.ContextInfo, QuotedText: body.QuotedText, QuotedMessage: body.QuotedMessage },
    value,
    upload: upload === undefined ? undefined : { path: upload.path, size: upload.size }
  }
}

/** `/chat/send/image|document|audio|video|sticker`: media sends, as JSON or multipart/form-data. */
export const chatMediaRoutes = [
  route({
    method: 'POST',
    path: '/chat/send/image',
    summary: 'Send an image (data URL, http(s) URL or multipart file)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Image',
    body: sendImageSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.mediaMessages.sendImage(currentUser(ctx).id, { ...base(ctx, body, body.Image), viewOnce: body.ViewOnce })
  }),
  route({
    method: 'POST',
    path: '/chat/send/document',
    summary: 'Send a document (data URL, http(s) URL or multipart file)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Document',
    body: sendDocumentSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.mediaMessages.sendDocument(currentUser(ctx).id, { ...base(ctx, body, body.Document), fileName: body.FileName })
  }),
  route({
    method: 'POST',
    path: '/chat/send/audio',
    summary: 'Send audio, by default as a voice note (converted to Ogg/Opus when needed)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Audio',
    body: sendAudioSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.mediaMessages.sendAudio(currentUser(ctx).id, {
      ...base(ctx, body, body.Audio), ptt: body.ptt, seconds: body.Seconds, waveform: body.Waveform
    })
  }),
  route({
    method: 'POST',
    path: '/chat/send/video',
    summary: 'Send an MP4 video (a thumbnail is made from its first frame unless JPEGThumbnail is given)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Video',
    body: sendVideoSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.mediaMessages.sendVideo(currentUser(ctx).id, {
      ...base(ctx, body, body.Video), viewOnce: body.ViewOnce, gifPlayback: body.GifPlayback, jpegThumbnail: body.JPEGThumbnail
    })
  }),
  route({
    method: 'POST',
    path: '/chat/send/sticker',
    summary: 'Send a sticker (WebP; PNG, JPEG and GIF are converted to a 512x512 WebP)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Sticker',
    body: sendStickerSchema,
    response: sendResponse,
    handler: async ({ ctx, deps, body }) => await deps.mediaMessages.sendSticker(currentUser(ctx).id, {
      ...base(ctx, body, body.Sticker),
      pngThumbnail: body.PngThumbnail,
      pack: { id: body.PackId, name: body.PackName, publisher: body.PackPublisher, emojis: body.Emojis }
    })
  })
]
