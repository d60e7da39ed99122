import type { IdentityDeps } from '../domain/deps.js';
import { createUser, deleteUser, getUser, listUsers, unlockUser, updateMe, updateUser } from '../domain/users.js';
import { userMessage, type Handlers } from './messages.js';

export function userHandlers(
  deps: IdentityDeps,
): Pick<Handlers, 'CreateUser' | 'GetUser' | 'ListUsers' | 'UpdateUser' | 'UpdateMe' | 'DeleteUser' | 'UnlockUser'> {
  return {
    async CreateUser(req, ctx) {
      return userMessage(await createUser(deps, ctx, { email: req.email, name: req.name, password: req.password, role: req.role }));
    },

    async GetUser(req, ctx) {
      return userMessage(await getUser(deps, ctx, req.id));
    },

    async ListUsers(req, ctx) {
      const page = await listUsers(deps, ctx, { page: req.page, role: req.role });
      return { items: page.items.map(userMessage), next_cursor: page.nextCursor };
    },

    // proto3 `optional`: an absent field is undefined, so "not changing" differs from "set to empty".
    async UpdateUser(req, ctx) {
      const user = await updateUser(deps, ctx, { id: req.id, name: req.name, role: req.role, disabled: req.disabled });
      return userMessage(user);
    },

    async UpdateMe(req, ctx) {
      return userMessage(await updateMe(deps, ctx, { name: req.name }));
    },

    async DeleteUser(req, ctx) {
      await deleteUser(deps, ctx, req.id);
      return {};
    },

    async UnlockUser(req, ctx) {
      return userMessage(await unlockUser(deps, ctx, req.id));
    },
  };
}
