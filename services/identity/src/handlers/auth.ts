import type { IdentityDeps } from '../domain/deps.js';
import { login, refresh } from '../domain/auth.js';
import { requestMagicLink, requestPasswordReset, resetPassword, verifyMagicLink } from '../domain/email-links.js';
import { checkSession, logout, logoutAll } from '../domain/sessions.js';
import { authResultMessage, userMessage, type Handlers } from './messages.js';

export function authHandlers(
  deps: IdentityDeps,
): Pick<
  Handlers,
  | 'Login'
  | 'Refresh'
  | 'RequestMagicLink'
  | 'VerifyMagicLink'
  | 'RequestPasswordReset'
  | 'ResetPassword'
  | 'Logout'
  | 'LogoutAll'
  | 'CheckSession'
> {
  return {
    async Login(req, ctx) {
      return authResultMessage(await login(deps, ctx, { email: req.email, password: req.password, newPassword: req.new_password }));
    },

    async Refresh(req, ctx) {
      const result = await refresh(deps, ctx, {
        refreshToken: req.refresh_token,
        csrfToken: req.csrf_token,
        cookieFlow: req.cookie_flow,
      }).catch((err: unknown) => {
        deps.metrics.refreshed(err);
        throw err;
      });
      deps.metrics.refreshed();
      return authResultMessage(result);
    },

    // Answers before the lookup: the same answer, at once, for every address.
    RequestMagicLink(req, ctx) {
      requestMagicLink(deps, ctx, { email: req.email });
      return Promise.resolve({});
    },

    async VerifyMagicLink(req, ctx) {
      return authResultMessage(await verifyMagicLink(deps, ctx, { token: req.token }));
    },

    RequestPasswordReset(req, ctx) {
      requestPasswordReset(deps, ctx, { email: req.email });
      return Promise.resolve({});
    },

    async ResetPassword(req, ctx) {
      await resetPassword(deps, ctx, { token: req.token, newPassword: req.new_password });
      return {};
    },

    // The session is the caller's own (from its verified principal), never one named in the request.
    async Logout(_req, ctx) {
      await logout(deps, ctx);
      return {};
    },

    async LogoutAll(_req, ctx) {
      await logoutAll(deps, ctx);
      return {};
    },

    async CheckSession(req, ctx) {
      const res = await checkSession(deps, ctx, req.session_id);
      return res.user ? { active: true, user: userMessage(res.user) } : { active: false };
    },
  };
}
