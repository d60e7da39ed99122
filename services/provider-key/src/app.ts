import { KeyedMutex, registration, RPC_CALLERS, startService, type Logger, type RunningService } from '@tollgate/platform';
import { loadProviderKey, packageDefinition } from '@tollgate/proto';
import type { ProviderKeyHandlers } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { ProviderKeyConfig } from './config.js';
import { migrations } from './migrations/index.js';
import { SecretBox } from '@tollgate/platform';
import { KeyUse } from './domain/key-use.js';
import { ProviderKeys } from './domain/provider-keys.js';
import { keyManagementHandlers } from './handlers/provider-keys.js';
import { keyUseHandlers } from './handlers/key-use.js';
import { ProviderKeyStore } from './store/provider-key-store.js';

export { loadConfig } from './config.js';

/** Runs the provider-key service: encrypted provider keys and IP tokens. Never reads the environment. */
export async function start(config: Readonly<ProviderKeyConfig>, logger?: Logger): Promise<RunningService> {
  return startService({
    name: 'provider-key',
    config,
    logger,
    packageDefinition: packageDefinition('providerKey'),
    migrations,
    async setup(rt) {
      const store = new ProviderKeyStore(rt.db);
      const box = new SecretBox(config.PROVIDER_KEY_ENCRYPTION_KEYS);
      const keys = new ProviderKeys({
        store,
        box,
        audit: rt.audit,
        mutex: new KeyedMutex(),
        outbound: { allowPrivate: config.OUTBOUND_ALLOW_PRIVATE },
      });
      const use = new KeyUse({
        store,
        box,
        audit: rt.audit,
        ipTokenKey: config.IP_TOKEN_KEY,
        defaultTtlSeconds: config.IP_TOKEN_TTL_SECONDS,
        maxTtlSeconds: config.IP_TOKEN_MAX_TTL_SECONDS,
      });
      const { ProviderKey } = loadProviderKey();
      return {
        services: [
          registration<ProviderKeyHandlers>(
            'tollgate.providerkey.v1.ProviderKey',
            ProviderKey.service,
            {
              ...keyManagementHandlers(keys),
              ...keyUseHandlers(use),
            },
            RPC_CALLERS['provider-key'],
          ),
        ],
      };
    },
  });
}
