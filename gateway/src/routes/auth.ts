import { z } from 'zod';
import { ForbiddenError, RPC_CALLERS, UnauthenticatedError, type Callers } from '@tollgate/platform';
import type { AuthResult__Output } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';
import { clearAuthCookies, CSRF_HEADER, REFRESH_COOKIE, setAuthCookies } from '../http/session-cookies.js';
import { addRateLimitHeaders } from '../rate-limit/limiters.js';
import type { RouteDefiner } from './define.js';
import { emailField, idParams, pageOut, passwordField } from './fields.js';
import type { GatewayDeps } from '../deps.js';
import { authResultSchema, sessionSchema, toAuthResult, toUser, userSchema } from './schemas.js';

const jwkSchema = z
  .object({
    kty: z.literal('EC'),
    crv: z.literal('P-256'),
    x: z.string(),
    y: z.string(),
    kid: z.string(),
    alg: z.literal('ES256'),
    use: z.literal('sig'),
  })
  .openapi('Jwk');

export function registerAuthRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const identity = deps.clients.identity.call;
  const session = { auth: 'any', tag: 'Auth' } as const;
  // Session management is for sessions: an API token never reads or ends them, whatever its owner's RPCs allow.
  const sessionsOnly: Callers = { people: { role: 'viewer', sessionsOnly: true } };

  route({
    method: 'post',
    path: '/v1/auth/login',
    tag: 'Auth',
    summary: 'Log in with email and password',
    description:
      'Sets the `tg_refresh` (HttpOnly, Secure, SameSite=Strict, Path=/v1/auth) and `tg_csrf` cookies. ' +
      'Unknown email, wrong password, disabled or locked account all answer 401 invalid_credentials. ' +
      'Failed attempts are limited per client IP (a short lock only that client feels) and per account per hour from all clients (429 with Retry-After). ' +
      'Only after a right password: 403 `password_login_disabled` when passwords are off for the account or the installation ' +
      '(sign in with a link or a passkey), and 403 `password_change_required` when an admin set a temporary password — send ' +
      'it again with `new_password` (the password policy applies) to replace it and sign in.',
    auth: 'public',
    body: z.object({
      email: z.string().min(1).max(320),
      password: z.string().min(1).max(1_024),
      new_password: passwordField.optional().openapi({ description: 'Replaces a temporary password (see 403 password_change_required)' }),
    }),
    response: authResultSchema,
    errors: [401, 403],
    handler: async ({ body, call }, req, res) => {
      const attempt = await deps.limiters.login.begin(req.ctx.ip, body.email);
      addRateLimitHeaders(res, attempt.consumed);
      let result: AuthResult__Output;
      try {
        result = await identity.Login({ email: body.email, password: body.password, new_password: body.new_password ?? '' }, call);
      } catch (err) {
        // A wrong credential keeps its count; an attempt identity never judged gives it back.
        if (!(err instanceof UnauthenticatedError && err.code === 'invalid_credentials')) await attempt.notFailed();
        throw err;
      }
      await attempt.notFailed();
      setAuthCookies(res, result);
      return toAuthResult(result);
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/magic-link',
    tag: 'Auth',
    summary: 'Email a sign-in link',
    description:
      'Always 202 with the same body, at once, whether or not the address belongs to an account (nothing tells them apart, ' +
      'timing included). An active account that is not locked gets a mail with a link that signs in once, within ' +
      'MAGIC_LINK_TTL_SECONDS (15 minutes by default); the link opens `/console/magic-link#token=…`, and its token is what ' +
      '`POST /v1/auth/magic-link/verify` takes. Limited per address and per client IP (EMAIL_LINKS_PER_EMAIL, ' +
      'EMAIL_LINKS_PER_IP per EMAIL_LINK_WINDOW_SECONDS: 429 with Retry-After). 503 when no SMTP server is configured.',
    auth: 'public',
    body: z.object({ email: emailField }),
    response: z.object({ message: z.string() }).openapi('MagicLinkRequested'),
    status: 202,
    errors: [503],
    handler: async ({ body, call }, req, res) => {
      addRateLimitHeaders(res, await deps.limiters.emailLink('magic-link', req.ctx.ip, body.email));
      await identity.RequestMagicLink({ email: body.email }, call);
      return { message: 'If this address belongs to an account, a sign-in link is on its way.' };
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/magic-link/verify',
    tag: 'Auth',
    summary: "Sign in with a sign-in link's token",
    description:
      'Answers exactly like login (and sets the same cookies). The token works once: used, expired, unknown, or for an ' +
      'account disabled or locked since it was sent, it is 401 invalid_credentials (the reason is in the audit log).',
    auth: 'public',
    body: z.object({ token: z.string().min(1).max(256) }),
    response: authResultSchema,
    errors: [401],
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ body, call }, _req, res) => {
      const result = await identity.VerifyMagicLink({ token: body.token }, call);
      setAuthCookies(res, result);
      return toAuthResult(result);
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/password-reset',
    tag: 'Auth',
    summary: 'Email a password-reset link',
    description:
      'Always 202 with the same body, at once, whether or not the address belongs to an account. An active account that is ' +
      'not locked gets a mail with a link that works once within PASSWORD_RESET_TTL_SECONDS (30 minutes by default); it ' +
      'opens `/console/reset-password#token=…`, and its token is what `POST /v1/auth/password-reset/confirm` takes. ' +
      'Limited like sign-in links, counted apart (429 with Retry-After). 503 when no SMTP server is configured.',
    auth: 'public',
    body: z.object({ email: emailField }),
    response: z.object({ message: z.string() }).openapi('PasswordResetRequested'),
    status: 202,
    errors: [503],
    handler: async ({ body, call }, req, res) => {
      addRateLimitHeaders(res, await deps.limiters.emailLink('password-reset', req.ctx.ip, body.email));
      await identity.RequestPasswordReset({ email: body.email }, call);
      return { message: 'If this address belongs to an account, a password-reset link is on its way.' };
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/password-reset/confirm',
    tag: 'Auth',
    summary: "Set a new password with a reset link's token",
    description:
      'The new password must meet the password policy (400, and the link still works). The token works once: used, ' +
      'expired, unknown, or for an account disabled or locked since it was sent, it is 401 invalid_credentials. On success ' +
      'every session of the account ends (sign in again with the new password) and the account is mailed a notice.',
    auth: 'public',
    body: z.object({ token: z.string().min(1).max(256), new_password: passwordField }),
    status: 204,
    errors: [401],
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ body, call }) => {
      await identity.ResetPassword({ token: body.token, new_password: body.new_password }, call);
      return undefined;
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/refresh',
    tag: 'Auth',
    summary: 'Trade a refresh token for new tokens',
    description:
      'Either the `tg_refresh` cookie with the `X-CSRF-Token` header (browsers), or `{"refresh_token"}` in the body. ' +
      'Answers like login, with a NEW refresh token: each one works once. Presenting a used one again ' +
      'revokes the whole session (401 refresh_token_reused).',
    auth: 'public',
    body: z.object({ refresh_token: z.string().min(1).max(512).optional() }),
    response: authResultSchema,
    errors: [401],
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ body, call }, req, res) => {
      const cookie = typeof req.cookies?.[REFRESH_COOKIE] === 'string' ? req.cookies[REFRESH_COOKIE] : '';
      if (!body.refresh_token && !cookie) {
        throw new UnauthenticatedError('unauthenticated', 'A refresh token is required (tg_refresh cookie or refresh_token)');
      }
      const request = body.refresh_token
        ? { refresh_token: body.refresh_token, cookie_flow: false }
        : { refresh_token: cookie, csrf_token: req.get(CSRF_HEADER) ?? '', cookie_flow: true };
      let result: AuthResult__Output;
      try {
        result = await identity.Refresh(request, call);
      } catch (err) {
        // A dead refresh token should not linger in the browser; a CSRF failure leaves the cookie alone.
        if (err instanceof UnauthenticatedError) clearAuthCookies(res);
        throw err;
      }
      setAuthCookies(res, result);
      return toAuthResult(result);
    },
  });

  route({
    ...session,
    method: 'post',
    path: '/v1/auth/logout',
    callers: RPC_CALLERS.identity.Logout,
    summary: 'End this session',
    description: 'Its refresh token dies and its access token is refused from now on (401 token_revoked).',
    status: 204,
    handler: async ({ principal, call }, _req, res) => {
      await identity.Logout({ session_id: principal.sessionId ?? '' }, call);
      deps.auth.invalidateSession(principal.sessionId ?? '');
      clearAuthCookies(res);
      return undefined;
    },
  });

  route({
    ...session,
    method: 'post',
    path: '/v1/auth/logout-all',
    callers: RPC_CALLERS.identity.LogoutAll,
    summary: 'End every session of the signed-in user',
    status: 204,
    handler: async ({ principal, call }, _req, res) => {
      await identity.LogoutAll({}, call);
      deps.auth.invalidateUser(principal.id);
      clearAuthCookies(res);
      return undefined;
    },
  });

  route({
    ...session,
    method: 'get',
    path: '/v1/auth/me',
    callers: sessionsOnly,
    summary: 'The signed-in user',
    response: userSchema,
    handler: async ({ principal, call }) => toUser(await identity.GetUser({ id: principal.id }, call)),
  });

  route({
    ...session,
    method: 'patch',
    path: '/v1/auth/me',
    callers: RPC_CALLERS.identity.UpdateMe,
    summary: 'Change your own profile',
    description:
      'Your display name, 1 to 100 characters (surrounding spaces are dropped), changes at once (audited as user.updated). ' +
      'A new `email` changes nothing yet: a link that confirms it is mailed to the new address (the answer shows the current ' +
      'one), working once within EMAIL_CHANGE_TTL_SECONDS (a day by default); `POST /v1/auth/email/confirm` takes its token. ' +
      'Limited like sign-in links (429). 409 when no SMTP server is configured.',
    body: z.object({ name: z.string().trim().min(1).max(100).optional(), email: emailField.optional() }),
    response: userSchema,
    errors: [409, 429],
    handler: async ({ body, call }, req, res) => {
      if (body.email !== undefined) addRateLimitHeaders(res, await deps.limiters.emailLink('email-change', req.ctx.ip, body.email));
      return toUser(await identity.UpdateMe({ name: body.name, email: body.email }, call));
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/email/confirm',
    tag: 'Auth',
    summary: "Confirm a new email address with its link's token",
    description:
      "The account's address becomes the one the link was mailed to, and the old address is mailed a notice (audited as " +
      'user.email_changed). The token works once: used, expired, unknown, or for an account disabled or locked since, it is ' +
      '401 invalid_credentials. 409 when another account took the address meanwhile (the link is spent).',
    auth: 'public',
    body: z.object({ token: z.string().min(1).max(256) }),
    response: userSchema,
    errors: [401, 409],
    rateLimit: { points: 60, durationSec: 60 },
    handler: async ({ body, call }) => toUser(await identity.ConfirmEmailChange({ token: body.token }, call)),
  });

  route({
    ...session,
    method: 'put',
    path: '/v1/auth/password',
    callers: RPC_CALLERS.identity.ChangePassword,
    summary: 'Change your password',
    description:
      'Needs the current password (403 if wrong). Every other session of yours ends. Wrong current passwords count like failed ' +
      'logins: per client IP and per account per hour (429 with Retry-After past the limit), and towards the account lockout (a locked account → 403).',
    body: z.object({ current_password: z.string().max(1_024), new_password: passwordField }),
    status: 204,
    errors: [429],
    handler: async ({ body, principal, call }, req, res) => {
      const attempt = await deps.limiters.login.begin(req.ctx.ip, `user:${principal.id}`);
      addRateLimitHeaders(res, attempt.consumed);
      try {
        await identity.ChangePassword({ current_password: body.current_password, new_password: body.new_password }, call);
      } catch (err) {
        // 403 forbidden: the current password was wrong (or the account locked) — it counts. Anything else came after a right one.
        if (!(err instanceof ForbiddenError && err.code === 'forbidden')) await attempt.notFailed();
        throw err;
      }
      await attempt.notFailed();
      deps.auth.invalidateUser(principal.id);
      return undefined;
    },
  });

  route({
    ...session,
    method: 'get',
    path: '/v1/auth/sessions',
    callers: RPC_CALLERS.identity.ListSessions,
    summary: 'Your live sessions',
    response: pageOut(sessionSchema),
    handler: async ({ call }) => {
      const res = await identity.ListSessions({}, call);
      return { items: res.items.map((s) => ({ ...s })), next_cursor: null };
    },
  });

  route({
    ...session,
    method: 'delete',
    path: '/v1/auth/sessions/{id}',
    callers: sessionsOnly,
    summary: 'End one session (yours, or anyone’s for an admin)',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, principal, call }, _req, res) => {
      await identity.RevokeSession({ id: params.id }, call);
      deps.auth.invalidateSession(params.id);
      if (params.id === principal.sessionId) clearAuthCookies(res);
      return undefined;
    },
  });

  route({
    method: 'get',
    path: '/.well-known/jwks.json',
    tag: 'Auth',
    summary: 'Public keys that verify access tokens (JWKS)',
    auth: 'public',
    response: z.object({ keys: z.array(jwkSchema) }).openapi('Jwks'),
    rateLimit: { points: 600, durationSec: 60 },
    handler: async ({ call }, _req, res) => {
      const jwks = await identity.GetJwks({}, call);
      res.setHeader('Cache-Control', 'public, max-age=300');
      return { keys: jwks.keys };
    },
  });

  route({
    method: 'post',
    path: '/v1/auth/signing-keys/rotate',
    callers: RPC_CALLERS.identity.RotateSigningKey,
    tag: 'Auth',
    summary: 'Rotate the access-token signing key',
    description:
      'New access tokens are signed with a fresh ES256 key; tokens signed with the previous key keep verifying until they ' +
      'expire (the old public key stays in the JWKS), so nobody is logged out. Audited identity.signing_key.rotated.',
    auth: 'any',
    response: jwkSchema,
    handler: async ({ call }) => {
      const key = await identity.RotateSigningKey({}, call);
      await deps.auth.signingKeysChanged();
      return key;
    },
  });
}
