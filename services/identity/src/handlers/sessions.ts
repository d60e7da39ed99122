import type { IdentityDeps } from '../domain/deps.js';
import { changePassword, listSessions, listUserSessions, revokeSession } from '../domain/sessions.js';
import { sessionMessage, type Handlers } from './messages.js';

export function sessionHandlers(
  deps: IdentityDeps,
): Pick<Handlers, 'ListSessions' | 'ListUserSessions' | 'RevokeSession' | 'ChangePassword'> {
  return {
    async ListSessions(_req, ctx) {
      return { items: (await listSessions(deps, ctx)).map(sessionMessage) };
    },

    async ListUserSessions(req, ctx) {
      return { items: (await listUserSessions(deps, ctx, req.id)).map(sessionMessage) };
    },

    async RevokeSession(req, ctx) {
      await revokeSession(deps, ctx, req.id);
      return {};
    },

    async ChangePassword(req, ctx) {
      await changePassword(deps, ctx, { currentPassword: req.current_password, newPassword: req.new_password });
      return {};
    },
  };
}
