import type { IdentityDeps } from '../domain/deps.js';
import { confirmEmailChange, updateMe } from '../domain/profile.js';
import { getSignInSettings, updateSignInSettings } from '../domain/sign-in-settings.js';
import type { SignInSettings } from '../domain/repositories.js';
import { createUser, deleteUser, getUser, listUsers, setTemporaryPassword, unlockUser, updateUser } from '../domain/users.js';
import { userMessage, type Handlers } from './messages.js';

const settingsMessage = (s: SignInSettings) => ({ password_login: s.passwordLogin, updated_at: s.updatedAt?.toISOString() ?? '' });

export function userHandlers(
  deps: IdentityDeps,
): Pick<
  Handlers,
  | 'CreateUser'
  | 'GetUser'
  | 'ListUsers'
  | 'UpdateUser'
  | 'UpdateMe'
  | 'ConfirmEmailChange'
  | 'SetTemporaryPassword'
  | 'DeleteUser'
  | 'UnlockUser'
  | 'GetSignInSettings'
  | 'UpdateSignInSettings'
> {
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
      const user = await updateUser(deps, ctx, {
        id: req.id,
        name: req.name,
        role: req.role,
        disabled: req.disabled,
        passwordLogin: req.password_login,
      });
      return userMessage(user);
    },

    async UpdateMe(req, ctx) {
      return userMessage(await updateMe(deps, ctx, { name: req.name, email: req.email }));
    },

    async ConfirmEmailChange(req, ctx) {
      return userMessage(await confirmEmailChange(deps, ctx, { token: req.token }));
    },

    async SetTemporaryPassword(req, ctx) {
      return userMessage(await setTemporaryPassword(deps, ctx, { id: req.id, password: req.password }));
    },

    async DeleteUser(req, ctx) {
      await deleteUser(deps, ctx, req.id);
      return {};
    },

    async UnlockUser(req, ctx) {
      return userMessage(await unlockUser(deps, ctx, req.id));
    },

    async GetSignInSettings() {
      return settingsMessage(await getSignInSettings(deps));
    },

    async UpdateSignInSettings(req, ctx) {
      return settingsMessage(await updateSignInSettings(deps, ctx, { passwordLogin: req.password_login }));
    },
  };
}
