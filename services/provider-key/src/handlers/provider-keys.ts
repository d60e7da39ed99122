import type { AsyncHandlers } from '@tollgate/platform';
import type { ProviderKeyHandlers } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { ProviderKeys } from '../domain/provider-keys.js';
import { toInfo } from './messages.js';

type Handlers = AsyncHandlers<ProviderKeyHandlers>;

/** Key management: CreateKey, ListKeys, GetKey, UpdateKey, RotateKey, DeleteKey. */
export function keyManagementHandlers(
  keys: ProviderKeys,
): Pick<Handlers, 'CreateKey' | 'ListKeys' | 'GetKey' | 'UpdateKey' | 'RotateKey' | 'DeleteKey'> {
  return {
    async CreateKey(req, ctx) {
      const record = await keys.create({ provider: req.provider, name: req.name, apiKey: req.api_key, baseUrl: req.base_url }, ctx);
      return toInfo(record);
    },
    async ListKeys(req) {
      const page = await keys.list({ provider: req.provider, page: req.page });
      return { items: page.items.map(toInfo), next_cursor: page.next_cursor };
    },
    async GetKey(req) {
      return toInfo(await keys.get(req.id));
    },
    async UpdateKey(req, ctx) {
      return toInfo(
        await keys.update({ id: req.id, name: req.name, disabled: req.disabled, baseUrl: req.base_url, apiKey: req.api_key }, ctx),
      );
    },
    async RotateKey(req, ctx) {
      return toInfo(await keys.rotate(req.id, req.api_key, ctx));
    },
    async DeleteKey(req, ctx) {
      await keys.delete(req.id, ctx);
      return {};
    },
  };
}
