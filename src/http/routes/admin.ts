import type { UsersService } from '../../services/users.js'
import { routesWith } from '../route.js'
import { createdUserResponse, createUserSchema, deletedUserResponse, removedUserResponse, updateUserSchema, userListResponse, userView } from '../schemas/admin.js'

export interface AdminDeps { users: UsersService }

const route = routesWith<AdminDeps>()

/** `/admin/users...`: user management with the admin token (wuzapi's shapes). */
export const adminRoutes = [
  route({
    method: 'GET',
    path: '/admin/users',
    summary: 'List users',
    auth: 'admin',
    response: userListResponse,
    handler: ({ deps }) => deps.users.list()
  }),
  route({
    method: 'GET',
    path: '/admin/users/:id',
    summary: 'Get a user (a list of zero or one)',
    auth: 'admin',
    response: userListResponse,
    handler: ({ deps, params }) => deps.users.find(params.id ?? '')
  }),
  route({
    method: 'POST',
    path: '/admin/users',
    summary: 'Create a user',
    auth: 'admin',
    body: createUserSchema,
    response: createdUserResponse,
    status: 201,
    handler: ({ deps, body }) => deps.users.create(body)
  }),
  route({
    method: 'PUT',
    path: '/admin/users/:id',
    summary: 'Update a user',
    auth: 'admin',
    body: updateUserSchema,
    response: userView,
    extra: { message: 'user updated successfully' },
    handler: ({ deps, params, body }) => deps.users.update(params.id ?? '', body)
  }),
  route({
    method: 'DELETE',
    path: '/admin/users/:id',
    summary: 'Delete a user',
    auth: 'admin',
    response: deletedUserResponse,
    extra: { details: 'user deleted successfully' },
    handler: async ({ deps, params }) => ({ id: (await deps.users.delete(params.id ?? '')).id })
  }),
  route({
    method: 'DELETE',
    path: '/admin/users/:id/full',
    summary: 'Delete a user and all its data',
    auth: 'admin',
    response: removedUserResponse,
    extra: { details: 'user instance removed completely' },
    handler: async ({ deps, params }) => {
      const user = await deps.users.delete(params.id ?? '')
      return { id: user.id, name: user.name, jid: user.jid }
    }
  })
]
