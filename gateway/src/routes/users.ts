import { z } from 'zod';
import { ROLES, RPC_CALLERS } from '@tollgate/platform';
import type { SignInSettings__Output } from '@tollgate/proto/gen/tollgate/identity/v1/SignInSettings';
import type { RouteDefiner } from './define.js';
import { emailField, idParams, nullable, pageOut, pageQuery, passwordField } from './fields.js';
import type { GatewayDeps } from '../deps.js';
import { sessionSchema, toUser, userSchema } from './schemas.js';

const signInSettingsSchema = z
  .object({
    password_login: z.boolean().openapi({ description: 'false: passwords are off for everyone' }),
    updated_at: z.string().nullable().openapi({ description: 'When an admin last changed it; null: never' }),
  })
  .openapi('SignInSettings');

const toSignInSettings = (s: SignInSettings__Output) => ({ password_login: s.password_login, updated_at: s.updated_at || null });

const role = z.enum(ROLES, `must be one of: ${ROLES.join(', ')}`);
const name = z.string().trim().max(200);

export function registerUserRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const identity = deps.clients.identity.call;
  const admin = { auth: 'any', tag: 'Users' } as const;

  route({
    ...admin,
    method: 'post',
    path: '/v1/users',
    callers: RPC_CALLERS.identity.CreateUser,
    summary: 'Create a user',
    description: 'Passwords are 12 to 256 characters. A duplicate email (in any letter case) is 409.',
    body: z.object({
      email: emailField,
      name: name.optional(),
      password: passwordField,
      role,
    }),
    status: 201,
    response: userSchema,
    errors: [409],
    handler: async ({ body, call }) =>
      toUser(await identity.CreateUser({ email: body.email, name: body.name ?? '', password: body.password, role: body.role }, call)),
  });

  route({
    method: 'get',
    path: '/v1/users',
    callers: RPC_CALLERS.identity.ListUsers,
    tag: 'Users',
    summary: 'List users',
    auth: 'any',
    query: z.object({ ...pageQuery, role: role.optional() }),
    response: pageOut(userSchema),
    handler: async ({ query, call }) => {
      const res = await identity.ListUsers({ page: { limit: query.limit, cursor: query.cursor }, role: query.role ?? '' }, call);
      return { items: res.items.map(toUser), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    method: 'get',
    path: '/v1/users/{id}',
    callers: RPC_CALLERS.identity.GetUser,
    tag: 'Users',
    summary: 'Get a user',
    description: 'Admins and managers may read anyone; everyone else only themself.',
    auth: 'any',
    params: idParams,
    response: userSchema,
    errors: [404],
    handler: async ({ params, call }) => toUser(await identity.GetUser({ id: params.id }, call)),
  });

  route({
    ...admin,
    method: 'patch',
    path: '/v1/users/{id}',
    callers: RPC_CALLERS.identity.UpdateUser,
    summary: 'Rename, change the role of, disable or re-enable a user, or turn their passwords off',
    description:
      'A role change or disabling ends every session of the user. The last active admin cannot be demoted or disabled (409). ' +
      '`password_login: false` makes the user passwordless: a password no longer signs them in (403 password_login_disabled ' +
      'after a right one), sign-in links and passkeys do.',
    params: idParams,
    body: z.object({
      name: name.optional(),
      role: role.optional(),
      disabled: z.boolean().optional(),
      password_login: z.boolean().optional(),
    }),
    response: userSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => {
      const updated = await identity.UpdateUser(
        { id: params.id, name: body.name, role: body.role, disabled: body.disabled, password_login: body.password_login },
        call,
      );
      // Their sessions are revoked in identity; this gateway must stop trusting its cache at once.
      if (body.role !== undefined || body.disabled === true) deps.auth.invalidateUser(params.id);
      return toUser(updated);
    },
  });

  route({
    ...admin,
    method: 'delete',
    path: '/v1/users/{id}',
    callers: RPC_CALLERS.identity.DeleteUser,
    summary: 'Delete a user',
    description: 'The last active admin cannot be deleted (409).',
    params: idParams,
    status: 204,
    errors: [404, 409],
    handler: async ({ params, call }) => {
      await identity.DeleteUser({ id: params.id }, call);
      deps.auth.invalidateUser(params.id);
      return undefined;
    },
  });

  route({
    ...admin,
    method: 'post',
    path: '/v1/users/{id}/password',
    callers: RPC_CALLERS.identity.SetTemporaryPassword,
    summary: 'Set a temporary password',
    description:
      'Every session of the user ends and a lockout ends; the user is mailed that it happened (tell them the password another ' +
      'way). Their next password login must replace it (403 password_change_required until it sends new_password). Audited as user.password_set.',
    params: idParams,
    body: z.object({ password: passwordField }),
    response: userSchema,
    errors: [404],
    handler: async ({ params, body, call }) => {
      const user = await identity.SetTemporaryPassword({ id: params.id, password: body.password }, call);
      deps.auth.invalidateUser(params.id);
      return toUser(user);
    },
  });

  route({
    ...admin,
    method: 'get',
    path: '/v1/settings/sign-in',
    callers: RPC_CALLERS.identity.GetSignInSettings,
    summary: 'How people sign in to this installation',
    response: signInSettingsSchema,
    handler: async ({ call }) => toSignInSettings(await identity.GetSignInSettings({}, call)),
  });

  route({
    ...admin,
    method: 'patch',
    path: '/v1/settings/sign-in',
    callers: RPC_CALLERS.identity.UpdateSignInSettings,
    summary: 'Turn passwords on or off for everyone',
    description:
      '`password_login: false`: no password signs anyone in (403 password_login_disabled after a right one), password resets ' +
      'mail nothing; sign-in links and passkeys do. 409 when no SMTP server is configured (nobody could get a link). ' +
      'Audited as settings.sign_in.updated.',
    body: z.object({ password_login: z.boolean() }),
    response: signInSettingsSchema,
    errors: [409],
    handler: async ({ body, call }) => toSignInSettings(await identity.UpdateSignInSettings({ password_login: body.password_login }, call)),
  });

  route({
    ...admin,
    method: 'post',
    path: '/v1/users/{id}/unlock',
    callers: RPC_CALLERS.identity.UnlockUser,
    summary: 'Clear a lockout after repeated failed logins',
    params: idParams,
    response: userSchema,
    errors: [404],
    handler: async ({ params, call }) => toUser(await identity.UnlockUser({ id: params.id }, call)),
  });

  route({
    ...admin,
    method: 'get',
    path: '/v1/users/{id}/sessions',
    callers: RPC_CALLERS.identity.ListUserSessions,
    summary: "A user's live sessions",
    description:
      'Where a user is signed in: each live session with when it began and was last used, its IP and user agent (`current` ' +
      'marks the session making this request). End one with `DELETE /v1/auth/sessions/{id}`, or all with a disable.',
    params: idParams,
    response: pageOut(sessionSchema),
    errors: [404],
    handler: async ({ params, call }) => {
      const res = await identity.ListUserSessions({ id: params.id }, call);
      return { items: res.items.map((s) => ({ ...s })), next_cursor: null };
    },
  });
}
