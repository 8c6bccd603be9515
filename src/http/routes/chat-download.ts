import type { MediaKind } from '../../media/kinds.js'
import type { DownloadsService } from '../../services/downloads.js'
import { routesWith, type RouteDefinition } from '../route.js'
import { downloadResponse, downloadSchema, unavailableResponse, unavailableSchema } from '../schemas/download.js'
import { currentUser } from '../state.js'

export interface ChatDownloadDeps { downloads: DownloadsService }

const route = routesWith<ChatDownloadDeps>()

const KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker']

function downloadRoute (kind: MediaKind): RouteDefinition<ChatDownloadDeps> {
  return route({
    method: 'POST',
    path: `/chat/download${kind}`,
    summary: `Download and decrypt the ${kind} of a received message (answers a data URL)`,
    auth: 'user',
    body: downloadSchema,
    response: downloadResponse,
    handler: async ({ ctx, deps, body }) =>
      await deps.downloads.download(currentUser(ctx).id, kind, {
        url: body.Url ?? undefined,
        directPath: body.DirectPath ?? undefined,
        mediaKey: body.MediaKey,
        mimetype: body.Mimetype ?? undefined,
        fileEncSha256: body.FileEncSHA256,
        fileSha256: body.FileSHA256,
        fileLength: body.FileLength ?? undefined
      })
  })
}

/** `/chat/downloadimage|video|audio|document|sticker` and `/chat/request-unavailable-message`. */
export const chatDownloadRoutes = [
  ...KINDS.map(downloadRoute),
  route({
    method: 'POST',
    path: '/chat/request-unavailable-message',
    summary: 'Ask your phone to resend a message this session could not decrypt',
    auth: 'user',
    body: unavailableSchema,
    response: unavailableResponse,
    handler: async ({ ctx, deps, body }) => await deps.downloads.requestUnavailable(currentUser(ctx).id, body)
  })
]
