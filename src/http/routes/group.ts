import { ValidationError } from '../../errors.js'
import type { GroupsService } from '../../services/groups.js'
import { routesWith } from '../route.js'
import {
  announceSchema, codeSchema, createGroupSchema, details, ephemeralSchema, groupBody, groupInfoResponse, groupJidSchema, groupListResponse,
  groupNameSchema, groupPhotoSchema, groupQuery, groupTopicSchema, inviteLinkBody, inviteLinkQuery, inviteLinkResponse, joinApprovalSchema,
  joinResponse, lockedSchema, participantsResponse, participantsSchema, photoResponse, requestsResponse
} from '../schemas/group.js'
import { currentUser } from '../state.js'

export interface GroupDeps { groups: GroupsService }

const route = routesWith<GroupDeps>()

/** The group a GET names: `?groupJID=` as wuzapi reads it, else `GroupJID` in a JSON body as older clients send it. */
function queriedGroup (deps: GroupDeps, query: { groupJID?: string | undefined }, body: { GroupJID?: string | undefined }): string {
  const value = query.groupJID ?? body.GroupJID
  if (value === undefined || value.trim() === '') throw new ValidationError('missing groupJID parameter')
  return deps.groups.groupJid(value, query.groupJID !== undefined ? 'groupJID' : 'GroupJID')
}

/** `/group/*`: the user's groups, their settings, members, invites and join requests. */
export const groupRoutes = [
  route({
    method: 'GET',
    path: '/group/list',
    summary: 'List the groups the account is in',
    auth: 'user',
    bodyParser: 'none',
    response: groupListResponse,
    handler: async ({ ctx, deps }) => await deps.groups.list(currentUser(ctx).id)
  }),
  route({
    method: 'GET',
    path: '/group/info',
    summary: 'A group\'s name, topic, settings and participants',
    auth: 'user',
    bodyParser: 'json-get',
    query: groupQuery,
    body: groupBody,
    response: groupInfoResponse,
    handler: async ({ ctx, deps, query, body }) => await deps.groups.info(currentUser(ctx).id, queriedGroup(deps, query, body))
  }),
  route({
    method: 'GET',
    path: '/group/invitelink',
    summary: 'A group\'s invite link (a new one with reset=true)',
    auth: 'user',
    bodyParser: 'json-get',
    query: inviteLinkQuery,
    body: inviteLinkBody,
    response: inviteLinkResponse,
    handler: async ({ ctx, deps, query, body }) =>
      await deps.groups.inviteLink(currentUser(ctx).id, queriedGroup(deps, query, body), query.reset ?? body.Reset ?? false)
  }),
  route({
    method: 'POST',
    path: '/group/inviteinfo',
    summary: 'What group an invite code (or link) leads to, without joining',
    auth: 'user',
    body: codeSchema,
    response: groupInfoResponse,
    handler: async ({ ctx, deps, body }) => await deps.groups.inviteInfo(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/join',
    summary: 'Join a group by invite code or link',
    auth: 'user',
    body: codeSchema,
    response: joinResponse,
    handler: async ({ ctx, deps, body }) => await deps.groups.join(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/create',
    summary: 'Create a group with participants',
    auth: 'user',
    body: createGroupSchema,
    response: groupInfoResponse,
    handler: async ({ ctx, deps, body }) => await deps.groups.create(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/updateparticipants',
    summary: 'Add, remove, promote or demote participants (with each one\'s result)',
    auth: 'user',
    body: participantsSchema,
    response: participantsResponse,
    handler: async ({ ctx, deps, body }) => await deps.groups.updateParticipants(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/leave',
    summary: 'Leave a group',
    auth: 'user',
    body: groupJidSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.leave(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/name',
    summary: 'Rename a group',
    auth: 'user',
    body: groupNameSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setName(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/topic',
    summary: 'Set a group\'s description',
    auth: 'user',
    body: groupTopicSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setTopic(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/photo',
    summary: 'Set a group\'s photo (a JPEG as data URL, http(s) URL or multipart file; re-encoded to 640x640)',
    auth: 'user',
    bodyParser: 'media',
    mediaField: 'Image',
    body: groupPhotoSchema,
    response: photoResponse,
    handler: async ({ ctx, deps, body }) => {
      const upload = ctx.state.upload
      return await deps.groups.setPhoto(currentUser(ctx).id, {
        groupJid: body.GroupJID, value: body.Image, upload: upload === undefined ? undefined : { path: upload.path, size: upload.size }
      })
    }
  }),
  route({
    method: 'POST',
    path: '/group/photo/remove',
    summary: 'Remove a group\'s photo',
    auth: 'user',
    body: groupJidSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.removePhoto(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/announce',
    summary: 'Only admins send messages (Announce true) or everyone (false)',
    auth: 'user',
    body: announceSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setAnnounce(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/locked',
    summary: 'Only admins edit the group\'s info (locked true) or everyone (false)',
    auth: 'user',
    body: lockedSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setLocked(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/ephemeral',
    summary: 'Disappearing messages: 24h, 7d, 90d or off',
    auth: 'user',
    body: ephemeralSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setEphemeral(currentUser(ctx).id, body)
  }),
  route({
    method: 'GET',
    path: '/group/requestparticipants',
    summary: 'Pending requests to join a group (join approval on)',
    auth: 'user',
    bodyParser: 'json-get',
    query: groupQuery,
    body: groupBody,
    response: requestsResponse,
    handler: async ({ ctx, deps, query, body }) => await deps.groups.joinRequests(currentUser(ctx).id, queriedGroup(deps, query, body))
  }),
  route({
    method: 'POST',
    path: '/group/updaterequestparticipants',
    summary: 'Approve or reject requests to join (with each one\'s result)',
    auth: 'user',
    body: participantsSchema,
    response: participantsResponse,
    handler: async ({ ctx, deps, body }) => await deps.groups.updateJoinRequests(currentUser(ctx).id, body)
  }),
  route({
    method: 'POST',
    path: '/group/joinapprovalmode',
    summary: 'New members by link wait for an admin\'s approval (Mode true) or join at once (false)',
    auth: 'user',
    body: joinApprovalSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.groups.setJoinApproval(currentUser(ctx).id, body)
  })
]
