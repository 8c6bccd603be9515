import type { ContactsService } from '../../services/contacts.js'
import type { UserDirectoryService } from '../../services/user-directory.js'
import { routesWith } from '../route.js'
import { details } from '../schemas/common.js'
import {
  avatarResponse, avatarSchema, blocklistResponse, checkResponse, contactsResponse, infoResponse, jidDetails, lidResponse, parseLidSchema,
  phoneListSchema, phoneSchema, privacyResponse, privacySchema, userPresenceSchema
} from '../schemas/user.js'
import { currentUser } from '../state.js'

export interface UserDeps { userDirectory: UserDirectoryService, contacts: ContactsService }

const route = routesWith<UserDeps>()

/** `/user/*`: numbers, user details, avatars, contacts, LIDs, presence, the block list and privacy. */
export const userRoutes = [
  route({
    method: 'POST',
    path: '/user/check',
    summary: 'Which phone numbers have WhatsApp',
    auth: 'user',
    body: phoneListSchema,
    response: checkResponse,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.check(currentUser(ctx).id, body.Phone)
  }),
  route({
    method: 'POST',
    path: '/user/info',
    summary: 'Status text, picture id, devices and LID of users',
    auth: 'user',
    body: phoneListSchema,
    response: infoResponse,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.info(currentUser(ctx).id, body.Phone)
  }),
  route({
    method: 'POST',
    path: '/user/avatar',
    summary: 'The profile picture of a user or group',
    auth: 'user',
    body: avatarSchema,
    response: avatarResponse,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.avatar(currentUser(ctx).id, body.Phone ?? '', body.Preview ?? false)
  }),
  route({
    method: 'GET',
    path: '/user/contacts',
    summary: 'The contacts known from the history sync, the address book and push names',
    auth: 'user',
    response: contactsResponse,
    handler: ({ ctx, deps }) => deps.contacts.list(currentUser(ctx).id)
  }),
  route({
    method: 'POST',
    path: '/user/presence',
    summary: 'Show the account as available or unavailable',
    auth: 'user',
    body: userPresenceSchema,
    response: details,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.presence(currentUser(ctx).id, body.Type ?? '')
  }),
  route({
    method: 'POST',
    path: '/user/presence/subscribe',
    summary: 'Receive a user\'s presence updates (Presence events)',
    auth: 'user',
    body: phoneSchema,
    response: jidDetails,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.subscribePresence(currentUser(ctx).id, body.Phone ?? '')
  }),
  route({
    method: 'GET',
    path: '/user/lid/:jid',
    summary: 'The LID of a phone number (or the phone number of a LID)',
    auth: 'user',
    response: lidResponse,
    handler: async ({ ctx, deps, params }) => await deps.userDirectory.lid(currentUser(ctx).id, params.jid ?? '')
  }),
  route({
    method: 'POST',
    path: '/user/parse-lid',
    summary: 'The phone number of a LID',
    auth: 'user',
    body: parseLidSchema,
    response: lidResponse,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.parseLid(currentUser(ctx).id, body.LID ?? '')
  }),
  route({
    method: 'POST',
    path: '/user/block',
    summary: 'Block a user',
    auth: 'user',
    body: phoneSchema,
    response: jidDetails,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.block(currentUser(ctx).id, body.Phone ?? '', true)
  }),
  route({
    method: 'POST',
    path: '/user/unblock',
    summary: 'Unblock a user',
    auth: 'user',
    body: phoneSchema,
    response: jidDetails,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.block(currentUser(ctx).id, body.Phone ?? '', false)
  }),
  route({
    method: 'GET',
    path: '/user/blocklist',
    summary: 'The blocked users',
    auth: 'user',
    response: blocklistResponse,
    handler: async ({ ctx, deps }) => await deps.userDirectory.blocklist(currentUser(ctx).id)
  }),
  route({
    method: 'GET',
    path: '/user/privacy',
    summary: 'The account\'s privacy settings',
    auth: 'user',
    response: privacyResponse,
    handler: async ({ ctx, deps }) => await deps.userDirectory.privacy(currentUser(ctx).id)
  }),
  route({
    method: 'POST',
    path: '/user/privacy',
    summary: 'Change one privacy setting',
    auth: 'user',
    body: privacySchema,
    response: privacyResponse,
    handler: async ({ ctx, deps, body }) => await deps.userDirectory.setPrivacy(currentUser(ctx).id, body.Name, body.Value)
  })
]
