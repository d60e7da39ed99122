import { JobProgress, PeriodLeader, registration, RPC_CALLERS, startService, type Logger, type RunningService } from '@tollgate/platform';
import { loadIdentity, loadToken, packageDefinition } from '@tollgate/proto';
import type { TokenHandlers } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { Config } from './config.js';
import { migrations } from './migrations/index.js';
import { BootstrapSeeder } from './domain/bootstrap.js';
import { ExpirySweeper } from './domain/expiry-sweeper.js';
import { Introspector } from './domain/introspection.js';
import { LastUsedTracker } from './domain/last-used.js';
import { OwnerDirectory } from './domain/owner-directory.js';
import { SecretDigester } from './domain/secret-digest.js';
import { TokenCache } from './domain/token-cache.js';
import { TokenLifecycle } from './domain/token-lifecycle.js';
import { parseToken } from './domain/token-format.js';
import { introspectHandlers } from './handlers/introspect.js';
import { tokenHandlers } from './handlers/tokens.js';
import { bootstrapAdminFinder, ownerLookup } from './clients/identity.js';
import { TokenChangeFeed } from './store/change-feed.js';
import { LastUsedStore } from './store/last-used-store.js';
import { TokenStore } from './store/token-store.js';

export { loadConfig, type Config } from './config.js';

/** The token service: API tokens (personal and agent), their introspection, expiry and last use. */
export function start(config: Config, logger?: Logger): Promise<RunningService> {
  return startService({
    name: 'token',
    config,
    logger,
    packageDefinition: packageDefinition('token'),
    migrations,
    async setup(rt) {
      const store = new TokenStore(rt.db);
      const feed = new TokenChangeFeed(rt.db);
      const lastUsedStore = new LastUsedStore(rt.db, config.LAST_USED_FLUSH_MS);
      const digester = new SecretDigester(config.TOKEN_PEPPER);
      const identity = rt.client(loadIdentity().Identity, config.IDENTITY_ADDR);

      const lastUsed = new LastUsedTracker((times) => lastUsedStore.record(times), config.LAST_USED_FLUSH_MS, rt.log);
      const cache = new TokenCache(store, feed, { maxAgeMs: config.TOKEN_CACHE_MS, syncMs: config.TOKEN_CACHE_SYNC_MS, log: rt.log });
      const changed = async (id: string) => {
        cache.invalidate(id);
        // Unannounced, the change still reaches other replicas' caches within TOKEN_CACHE_MS.
        await feed
          .append(id)
          .catch((err: unknown) => rt.log.warn({ err: (err as Error).message, token_id: id }, 'token change not announced'));
      };
      const introspector = new Introspector({
        store: cache,
        digester,
        owners: new OwnerDirectory(ownerLookup(identity), config.OWNER_CACHE_MS),
        lastUsed,
      });
      const lifecycle = new TokenLifecycle({
        store,
        lastUsed: lastUsedStore,
        digester,
        audit: rt.audit,
        defaultTtlDays: config.TOKEN_DEFAULT_TTL_DAYS,
        agentTtlDays: config.AGENT_TOKEN_TTL_DAYS,
        changed,
      });
      const leader = new PeriodLeader(rt.db, 'token-sweeper', config.TOKEN_SWEEP_INTERVAL_MS);
      const sweeper = new ExpirySweeper({
        store,
        expire: (id, now) => lifecycle.expire(id, now),
        noticeExpiring: (id, now) => lifecycle.noticeExpiring(id, now),
        forgetUseClaims: (hour) => lastUsedStore.forgetClaims(hour),
        leads: () => leader.leads(),
        progress: new JobProgress(rt.db),
        intervalMs: config.TOKEN_SWEEP_INTERVAL_MS,
        log: rt.log,
      });

      const bootstrapToken = config.BOOTSTRAP_TOKEN ? parseToken(config.BOOTSTRAP_TOKEN) : null;
      const seeder = bootstrapToken
        ? new BootstrapSeeder(bootstrapToken, {
            store,
            digester,
            audit: rt.audit,
            findOwner: bootstrapAdminFinder(identity, {
              id: config.BOOTSTRAP_TOKEN_OWNER_ID,
              email: config.BOOTSTRAP_TOKEN_OWNER_EMAIL,
            }),
            log: rt.log,
          })
        : null;

      await Promise.all([store.init(), lastUsedStore.init()]);
      await seeder?.start();
      await cache.start();
      lastUsed.start();
      sweeper.start();

      const { Token } = loadToken();
      return {
        services: [
          registration<TokenHandlers>(
            'tollgate.token.v1.Token',
            Token.service,
            {
              ...tokenHandlers(lifecycle),
              ...introspectHandlers(introspector, rt.registry),
            },
            RPC_CALLERS.token,
          ),
        ],
        async onStop() {
          seeder?.stop();
          cache.stop();
          await sweeper.stop();
          await lastUsed.stop();
        },
      };
    },
  });
}
