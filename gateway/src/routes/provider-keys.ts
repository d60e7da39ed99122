import { z } from 'zod';
import type { ProviderKeyInfo__Output } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKeyInfo';
import { PROVIDERS_WITH_DEFAULT_BASE_URL, RPC_CALLERS } from '@tollgate/platform';
import type { RouteDefiner } from './define.js';
import { apiKey, baseUrlField, idParams, nameField, nullable, pageOut, pageQuery, providerName } from './fields.js';
import type { GatewayDeps } from '../deps.js';

const keySchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    name: z.string(),
    masked: z.string().openapi({ description: 'e.g. sk-…abcd; the key itself is never returned' }),
    base_url: z.string(),
    disabled: z.boolean(),
    created_at: z.string(),
    rotated_at: z.string().nullable(),
  })
  .openapi('ProviderKey');

function toKey(k: ProviderKeyInfo__Output) {
  return {
    id: k.id,
    provider: k.provider,
    name: k.name,
    masked: k.masked,
    base_url: k.base_url,
    disabled: k.disabled,
    created_at: k.created_at,
    rotated_at: nullable(k.rotated_at),
  };
}

export function registerProviderKeyRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const keys = deps.clients.providerKey.call;
  const common = { auth: 'any', tag: 'Provider keys' } as const;
  const write = { ...common } as const;
  const read = { ...common } as const;

  route({
    ...write,
    method: 'post',
    path: '/v1/provider-keys',
    callers: RPC_CALLERS['provider-key'].CreateKey,
    summary: 'Store a provider API key (encrypted with AES-256-GCM)',
    description: `\`base_url\` defaults to the provider’s public API for ${PROVIDERS_WITH_DEFAULT_BASE_URL.join(', ')}; any other provider needs one.`,
    body: z.object({
      provider: providerName,
      name: nameField,
      api_key: apiKey,
      base_url: baseUrlField(deps.config.OUTBOUND_ALLOW_PRIVATE).optional(),
    }),
    bodyRule: {
      holds: (b) => b.base_url !== undefined || PROVIDERS_WITH_DEFAULT_BASE_URL.includes(b.provider),
      field: 'base_url',
      message: 'is required for a provider without a known API address',
      schema: { anyOf: [{ properties: { provider: { enum: PROVIDERS_WITH_DEFAULT_BASE_URL } } }, { required: ['base_url'] }] },
    },
    status: 201,
    response: keySchema,
    handler: async ({ body, call }) =>
      toKey(await keys.CreateKey({ provider: body.provider, name: body.name, api_key: body.api_key, base_url: body.base_url ?? '' }, call)),
  });

  route({
    ...read,
    method: 'get',
    path: '/v1/provider-keys',
    callers: RPC_CALLERS['provider-key'].ListKeys,
    summary: 'List provider keys (masked)',
    query: z.object({ ...pageQuery, provider: providerName.optional() }),
    response: pageOut(keySchema),
    handler: async ({ query, call }) => {
      const res = await keys.ListKeys({ page: { limit: query.limit, cursor: query.cursor }, provider: query.provider ?? '' }, call);
      return { items: res.items.map(toKey), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...read,
    method: 'get',
    path: '/v1/provider-keys/{id}',
    callers: RPC_CALLERS['provider-key'].GetKey,
    summary: 'Get a provider key (masked)',
    params: idParams,
    response: keySchema,
    errors: [404],
    handler: async ({ params, call }) => toKey(await keys.GetKey({ id: params.id }, call)),
  });

  route({
    ...write,
    method: 'patch',
    path: '/v1/provider-keys/{id}',
    callers: RPC_CALLERS['provider-key'].UpdateKey,
    summary: 'Rename, disable or re-enable a key, or move it to a new base URL',
    description:
      '`base_url` and `api_key` go together (400 with one alone): a stored key is only ever sent to the host it was entered for, ' +
      'so moving a key means entering it again. Base URLs must be https to a public address. Rotate replaces a key in place.',
    params: idParams,
    body: z.object({
      name: nameField.optional(),
      disabled: z.boolean().optional(),
      base_url: baseUrlField(deps.config.OUTBOUND_ALLOW_PRIVATE).optional(),
      api_key: apiKey.optional(),
    }),
    bodyRule: {
      holds: (b) => (b.base_url === undefined) === (b.api_key === undefined),
      field: 'api_key',
      message: 'base_url and api_key go together',
      schema: {
        anyOf: [{ required: ['base_url', 'api_key'] }, { not: { anyOf: [{ required: ['base_url'] }, { required: ['api_key'] }] } }],
      },
    },
    response: keySchema,
    errors: [404],
    handler: async ({ params, body, call }) =>
      toKey(
        await keys.UpdateKey(
          { id: params.id, name: body.name, disabled: body.disabled, base_url: body.base_url, api_key: body.api_key },
          call,
        ),
      ),
  });

  route({
    ...write,
    method: 'post',
    path: '/v1/provider-keys/{id}/rotate',
    callers: RPC_CALLERS['provider-key'].RotateKey,
    summary: 'Replace the stored key with a new one',
    params: idParams,
    body: z.object({ api_key: apiKey }),
    response: keySchema,
    errors: [404],
    handler: async ({ params, body, call }) => toKey(await keys.RotateKey({ id: params.id, api_key: body.api_key }, call)),
  });

  route({
    ...write,
    method: 'delete',
    path: '/v1/provider-keys/{id}',
    callers: RPC_CALLERS['provider-key'].DeleteKey,
    summary: 'Delete a provider key',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await keys.DeleteKey({ id: params.id }, call);
    },
  });
}
