import type { Logger } from 'pino';
import { JobProgress, keyedDigest, PeriodLeader, registration, RPC_CALLERS, startService, type RunningService } from '@tollgate/platform';
import { loadIdentity, packageDefinition } from '@tollgate/proto';
import type { IdentityHandlers } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import { loadConfig, type IdentityConfig } from './config.js';
import { migrations } from './migrations/index.js';
import type { IdentityDeps } from './domain/deps.js';
import { createMailer } from './domain/mail.js';
import { countedSessions, identityMetrics } from './domain/metrics.js';
import { createPasswordHasher } from './domain/passwords.js';
import { createSigner } from './domain/signing-keys.js';
import { startSweeper, type Sweeper } from './domain/sweeper.js';
import { bootstrapAdmin } from './domain/users.js';
import { authHandlers } from './handlers/auth.js';
import { ipRuleHandlers } from './handlers/ip-rules.js';
import { keyHandlers } from './handlers/keys.js';
import { passkeyHandlers } from './handlers/passkeys.js';
import { sessionHandlers } from './handlers/sessions.js';
import { userHandlers } from './handlers/users.js';
import { createIpRuleStore } from './store/ip-rule-store.js';
import { createLoginFailureStore } from './store/login-failure-store.js';
import { createKnownDeviceStore } from './store/known-device-store.js';
import { createLastLoginStore } from './store/last-login-store.js';
import { createPasskeyStore } from './store/passkey-store.js';
import { createRefreshTokenStore } from './store/refresh-token-store.js';
import { createSessionStore } from './store/session-store.js';
import { createSettingsStore } from './store/settings-store.js';
import { createSigningKeyStore } from './store/signing-key-store.js';
import { createSingleUseStore, EMAIL_LINKS, WEBAUTHN_CHALLENGES } from './store/single-use-store.js';
import { createUserStore } from './store/user-store.js';

export { loadConfig };

/** The passkeys' relying party: PUBLIC_URL's host and origin unless configured. */
function relyingParty(config: Readonly<IdentityConfig>) {
  const publicUrl = new URL(config.PUBLIC_URL);
  return {
    rpId: config.WEBAUTHN_RP_ID ?? publicUrl.hostname,
    rpName: config.WEBAUTHN_RP_NAME,
    origins: config.WEBAUTHN_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean) ?? [publicUrl.origin],
    challengeTtlSeconds: config.PASSKEY_CHALLENGE_TTL_SECONDS,
  };
}

/** Starts the identity service: users, sessions, refresh-token families and signing keys. */
export async function start(config: Readonly<IdentityConfig>, logger?: Logger): Promise<RunningService> {
  let sweeper: Sweeper | undefined;
  return startService({
    name: 'identity',
    config,
    logger,
    packageDefinition: packageDefinition('identity'),
    migrations,
    async setup(rt) {
      const users = createUserStore(rt.db);
      const loginFailures = createLoginFailureStore(rt.db);
      const metrics = identityMetrics(rt.registry);
      const sessions = countedSessions(createSessionStore(rt.db), metrics);
      const refreshTokens = createRefreshTokenStore(rt.db);
      const signingKeys = createSigningKeyStore(rt.db);
      const emailLinks = createSingleUseStore(rt.db, EMAIL_LINKS);
      const challenges = createSingleUseStore(rt.db, WEBAUTHN_CHALLENGES);
      const lastLogins = createLastLoginStore(rt.db);
      const knownDevices = createKnownDeviceStore(rt.db);
      const passkeys = createPasskeyStore(rt.db);
      const settingsStore = createSettingsStore(rt.db);
      const ipRules = createIpRuleStore(rt.db);
      // The unique email index must exist before the bootstrap admin is written.
      await Promise.all([
        users.ready(),
        loginFailures.ready(),
        sessions.ready(),
        refreshTokens.ready(),
        signingKeys.ready(),
        emailLinks.ready(),
        challenges.ready(),
        passkeys.ready(),
        settingsStore.ready(),
      ]);
      const mailer = createMailer({ conn: rt.db, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, log: rt.log, registry: rt.registry });

      const signer = createSigner({
        store: signingKeys,
        encryptionKey: config.JWT_KEY_ENCRYPTION_KEY,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        log: rt.log,
      });
      await signer.init();

      const deps: IdentityDeps = {
        users,
        loginFailures,
        sessions,
        refreshTokens,
        emailLinks,
        challenges,
        lastLogins,
        knownDevices,
        passkeys,
        installation: settingsStore,
        ipRules,
        mailer,
        passwords: createPasswordHasher(config.ARGON2_MEMORY_KIB),
        signer,
        audit: rt.audit,
        log: rt.log,
        metrics,
        settings: {
          accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
          lockoutThreshold: config.LOCKOUT_THRESHOLD,
          lockoutSeconds: config.LOCKOUT_SECONDS,
          auditDigest: keyedDigest(config.JWT_KEY_ENCRYPTION_KEY, 'tollgate audit login digest'),
          publicUrl: config.PUBLIC_URL,
          magicLinkTtlSeconds: config.MAGIC_LINK_TTL_SECONDS,
          passwordResetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS,
          emailChangeTtlSeconds: config.EMAIL_CHANGE_TTL_SECONDS,
          webauthn: relyingParty(config),
        },
      };

      if (config.BOOTSTRAP_ADMIN_EMAIL && config.BOOTSTRAP_ADMIN_PASSWORD) {
        await bootstrapAdmin(deps, { email: config.BOOTSTRAP_ADMIN_EMAIL, password: config.BOOTSTRAP_ADMIN_PASSWORD });
      }
      const leader = new PeriodLeader(rt.db, 'identity-sweeper', config.SESSION_SWEEP_INTERVAL_MS);
      sweeper = startSweeper({
        sessions,
        refreshTokens,
        singleUse: [emailLinks, challenges],
        leads: () => leader.leads(),
        progress: new JobProgress(rt.db),
        intervalMs: config.SESSION_SWEEP_INTERVAL_MS,
        log: rt.log,
        counted: (live) => metrics.activeSessions(live),
      });

      const identity = registration<IdentityHandlers>(
        'tollgate.identity.v1.Identity',
        loadIdentity().Identity.service,
        {
          ...authHandlers(deps),
          ...keyHandlers(deps),
          ...userHandlers(deps),
          ...sessionHandlers(deps),
          ...passkeyHandlers(deps),
          ...ipRuleHandlers(deps),
        },
        RPC_CALLERS.identity,
      );
      return {
        services: [identity],
        onStop: async () => {
          await sweeper?.stop();
          await mailer.stop();
        },
      };
    },
  });
}
