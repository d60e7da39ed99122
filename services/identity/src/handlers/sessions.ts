import type { IdentityDeps } from '../domain/deps.js';
import { changePassword, listSessions, revokeSession } from '../domain/sessions.js';
import { sessionMessage, type Handlers } from './messages.js';

export function sessionHandlers(deps: IdentityDeps): Pick<Handlers, 'ListSessions' | 'RevokeSession' | 'ChangePassword'> {
  return {
    async ListSessions(_req, ctx) {
      return { items: (await listSessions(deps, ctx)).map(sessionMessage) };
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
