import { z } from 'zod';
import { RPC_CALLERS, SCOPES } from '@tollgate/platform';
import type { CreatedToken__Output } from '@tollgate/proto/gen/tollgate/token/v1/CreatedToken';
import type { RouteDefiner } from './define.js';
import { descriptionField as description, idParams, nameField as name, nullable, pageOut, pageQuery } from './fields.js';
import type { GatewayDeps } from '../deps.js';
import { tokenSchema, toToken } from './schemas.js';

const scopeList = z
  .array(z.enum(SCOPES, `must be one of: ${SCOPES.join(', ')}`))
  .min(1, 'must name at least one scope')
  .max(SCOPES.length);

const createdSchema = tokenSchema
  .extend({ token: z.string().openapi({ description: 'The full token (tg_pat_… / tg_agt_…); shown only in this response' }) })
  .openapi('CreatedApiToken');

const introspectionSchema = z
  .object({
    active: z.boolean(),
    id: z.string().optional(),
    owner_id: z.string().optional(),
    scopes: z.array(z.string()).optional().openapi({ description: "The token's scopes narrowed to its owner's current role" }),
    expires_at: z.string().nullable().optional(),
  })
  .openapi('TokenIntrospection');

function toCreated(c: CreatedToken__Output) {
  return { ...toToken(c.token!), token: c.secret };
}

export function registerTokenRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const token = deps.clients.token.call;
  const common = { auth: 'any', tag: 'API tokens' } as const;

  route({
    ...common,
    method: 'post',
    path: '/v1/tokens',
    callers: RPC_CALLERS.token.CreateToken,
    summary: 'Create a personal API token',
    description: 'The full token is returned once, in `token`. Scopes beyond what your role allows are refused (403).',
    body: z.object({
      name,
      description: description.optional(),
      scopes: scopeList,
      expires_in_days: z.number().int().min(1).max(366).optional().openapi({ description: 'Default 90' }),
      never_expires: z.boolean().optional().openapi({ description: 'Admins only; excludes expires_in_days' }),
    }),
    bodyRule: {
      holds: (b) => !(b.never_expires && b.expires_in_days !== undefined),
      field: 'never_expires',
      message: 'give either expires_in_days or never_expires',
      schema: { not: { required: ['never_expires', 'expires_in_days'], properties: { never_expires: { enum: [true] } } } },
    },
    status: 201,
    response: createdSchema,
    handler: async ({ body, call }) =>
      toCreated(
        await token.CreateToken(
          {
            name: body.name,
            description: body.description ?? '',
            scopes: body.scopes,
            expires_in_days: body.expires_in_days ?? 0,
            never_expires: body.never_expires ?? false,
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/tokens',
    callers: RPC_CALLERS.token.ListTokens,
    summary: 'List your API tokens (admins: any user’s, with owner_id)',
    query: z.object({
      ...pageQuery,
      status: z.enum(['active', 'revoked', 'expired']).optional(),
      owner_id: idParams.shape.id.optional(),
    }),
    response: pageOut(tokenSchema),
    handler: async ({ query, call }) => {
      const res = await token.ListTokens(
        { page: { limit: query.limit, cursor: query.cursor }, status: query.status ?? '', owner_id: query.owner_id ?? '' },
        call,
      );
      return { items: res.items.map(toToken), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/tokens/introspect',
    callers: RPC_CALLERS.token.Introspect,
    summary: 'Is this token active, and what may it do?',
    description: 'RFC 7662 style: an inactive, expired, revoked, unknown or malformed token answers only `{"active": false}`.',
    body: z.object({ token: z.string().max(4_096) }),
    response: introspectionSchema,
    handler: async ({ body, call }) => {
      const res = await token.Introspect({ token: body.token }, call);
      if (!res.active) return { active: false };
      return { active: true, id: res.id, owner_id: res.owner_id, scopes: res.scopes, expires_at: nullable(res.expires_at) };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/tokens/{id}',
    callers: RPC_CALLERS.token.GetToken,
    summary: 'Get one API token (never its secret)',
    params: idParams,
    response: tokenSchema,
    errors: [404],
    handler: async ({ params, call }) => toToken(await token.GetToken({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'patch',
    path: '/v1/tokens/{id}',
    callers: RPC_CALLERS.token.UpdateToken,
    summary: 'Rename, describe or narrow an API token',
    params: idParams,
    body: z.object({ name: name.optional(), description: description.optional(), scopes: scopeList.optional() }),
    response: tokenSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => {
      const updated = await token.UpdateToken(
        {
          id: params.id,
          name: body.name,
          description: body.description,
          scopes: body.scopes ?? [],
          set_scopes: body.scopes !== undefined,
        },
        call,
      );
      // Scope changes must reach this gateway's authentication cache at once.
      deps.auth.invalidateToken(params.id);
      return toToken(updated);
    },
  });

  route({
    ...common,
    method: 'delete',
    path: '/v1/tokens/{id}',
    callers: RPC_CALLERS.token.RevokeToken,
    summary: 'Revoke an API token; it stops working at once',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await token.RevokeToken({ id: params.id }, call);
      deps.auth.invalidateToken(params.id);
      return undefined;
    },
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/tokens/{id}/rotate',
    callers: RPC_CALLERS.token.RotateToken,
    summary: 'Issue a new secret for an API token',
    description: 'The old secret keeps working for `grace_seconds` (default 0: it dies at once). The new token is shown once.',
    params: idParams,
    body: z.object({ grace_seconds: z.number().int().min(0).max(86_400).optional() }),
    response: createdSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => {
      const rotated = await token.RotateToken({ id: params.id, grace_seconds: body.grace_seconds ?? 0 }, call);
      deps.auth.invalidateToken(params.id);
      return toCreated(rotated);
    },
  });
}
