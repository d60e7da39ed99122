import { z } from 'zod';
import { accessLogVariables, env, parseConfig, SERVICE_NAMES, serviceAddresses } from '@tollgate/platform';
import { REDIS_URL_PATTERN } from './redis.js';
import { CONSOLE_DIST } from './http/console.js';

/** Every variable the gateway reads, with its default. See the README's configuration table. */
export const configSchema = z.object({
  LOG_LEVEL: env.logLevel(),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: env.port.default(8443),
  // Prometheus /metrics over plain HTTP on its own port, bound to GATEWAY_HOST (0 = off), as the services do
  // with METRICS_PORT. Never served on the public HTTPS port.
  METRICS_PORT: env.port.default(0),
  // Real certificates; without them a self-signed dev certificate is generated once into TLS_DEV_CERT_DIR.
  TLS_CERT: z.string().optional(),
  TLS_KEY: z.string().optional(),
  TLS_DEV_CERT_DIR: z.string().default('.data/tls'),
  // The web console's built files (console/dist, built by `npm start`, `npm test` and the gateway image), served at /console.
  CONSOLE_DIR: z.string().default(CONSOLE_DIST),
  // How long an idle client connection stays open: longer than the usual 60 s idle timeout of a load balancer in
  // front (so the gateway never closes a connection the balancer is reusing), and an agent between two LLM calls
  // keeps its connection instead of paying a new TLS handshake.
  KEEP_ALIVE_TIMEOUT_MS: env.int(1_000, 600_000).default(65_000),
  // Plain-HTTP port that only redirects to HTTPS (0 = off).
  HTTP_REDIRECT_PORT: env.port.default(0),
  CORS_ORIGINS: env.list().default([]),
  // express trust-proxy value: false (default, client IP from the socket), loopback, CIDRs, or a hop count.
  TRUST_PROXY: z.string().default('false'),
  REDIS_URL: z.string().regex(REDIS_URL_PATTERN, 'must be a redis://, redis-sentinel:// or redis-cluster:// URL'),
  ...serviceAddresses(SERVICE_NAMES),
  SERVICE_TOKEN_SECRET: env.secret(32),
  JWT_ISSUER: z.string().default('tollgate'),
  JWT_AUDIENCE: z.string().default('tollgate-api'),
  // The longest access token accepted (identity's ACCESS_TOKEN_TTL_SECONDS; a longer one was not issued by it).
  ACCESS_TOKEN_MAX_TTL_SECONDS: env.int(30, 86_400).default(900),
  GRPC_DEADLINE_MS: env.int(100, 60_000).default(3_000),
  // How long a session check or token introspection is reused. With the token service's own
  // cross-replica sync (≤ 250 ms) revocation takes effect everywhere within 1 s.
  AUTH_CACHE_MS: env.int(0, 1_000).default(900),
  // How long a decrypted provider key is reused without being confirmed (a rotation or disable takes effect within it).
  PROVIDER_KEY_CACHE_MS: env.int(0, 1_000).default(1_000),
  // How long after its last call an API token's introspection and a provider key are still fetched again before
  // they expire, so that an agent calling every few seconds never waits for either (0: only while calls keep coming).
  KEEP_WARM_MS: env.int(0, 600_000).default(60_000),
  // How often the mirror of the model price table is fetched from the budget service (a price change is priced
  // with within about this long on top of the budget replicas' own PRICE_SYNC_MS).
  PRICE_REFRESH_MS: env.int(100, 1_000).default(1_000),
  // How often the charges of ended proxied calls are synced to the budget service, all agents at once (the spend
  // view lags by about this much; holds never do), and how long an agent's escrow is kept with no call before it goes back.
  ESCROW_SYNC_MS: env.int(10, 1_000).default(500),
  ESCROW_IDLE_MS: env.int(100, 600_000).default(10_000),
  // The output bound the proxy sets on a call whose request has none (or less, to fit what remains).
  DEFAULT_MAX_OUTPUT_TOKENS: env.int(1, 10_000_000).default(4_096),
  // How long the proxy waits for a provider's answer to start or go on (then 504, and the call costs its hold).
  PROXY_TIMEOUT_MS: env.int(1_000, 3_600_000).default(120_000),
  // Development only: the proxy may connect to loopback and private addresses (local stand-in providers).
  OUTBOUND_ALLOW_PRIVATE: env.bool.default(false),
  BODY_LIMIT_BYTES: env.int(1_024, 10 * 1024 * 1024).default(1024 * 1024),
  // Answers smaller than this go uncompressed: gzip or br would cost more time than the bytes they save.
  COMPRESSION_THRESHOLD_BYTES: env.int(0, 10 * 1024 * 1024).default(1_024),
  // TLS 1.2 suites (OpenSSL names): AEAD with forward secrecy only — Mozilla "intermediate". TLS 1.3 suites are all AEAD.
  TLS_CIPHERS: z
    .string()
    .default(
      'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:' +
        'ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305',
    ),
  RATE_LIMIT_PREFIX: z.string().default('tg'),
  RATE_LIMIT_GLOBAL_PER_SEC: env.int(1, 1_000_000).default(5_000),
  RATE_LIMIT_IP_PER_MIN: env.int(1, 1_000_000).default(1_200),
  RATE_LIMIT_PRINCIPAL_PER_MIN: env.int(1, 1_000_000).default(2_400),
  RATE_LIMIT_TOKEN_PER_MIN: env.int(1, 1_000_000).default(1_200),
  // Reads that make a service scan much (the audit export, spend analytics, a user's export), per caller and route.
  EXPENSIVE_READS_PER_MINUTE: env.int(1, 1_000_000).default(10),
  // Failed logins per client IP per window: the short lock, which only that client feels.
  LOGIN_FAILURES_PER_WINDOW: env.int(1, 1_000).default(5),
  // Failed logins per account per hour from all clients together (ASVS 2.2.1): the ceiling
  // past which the account takes no password attempts until the hour's failures age out.
  LOGIN_ACCOUNT_FAILURES_PER_HOUR: env.int(1, 100_000).default(100),
  LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: env.int(1, 10_000).default(30),
  LOGIN_WINDOW_SECONDS: env.int(1, 86_400).default(300),
  // Links by mail (sign-in, password reset) asked for per email address and per client IP per window, each kind
  // counted apart (each mail lands in someone's inbox).
  EMAIL_LINKS_PER_EMAIL: env.int(1, 10_000).default(5),
  EMAIL_LINKS_PER_IP: env.int(1, 100_000).default(20),
  EMAIL_LINK_WINDOW_SECONDS: env.int(1, 86_400).default(900),
  SHUTDOWN_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
  ...accessLogVariables,
});

export type GatewayConfig = Readonly<z.infer<typeof configSchema>>;

export function loadConfig(vars: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseConfig(configSchema, vars);
}

/** express's trust-proxy setting from TRUST_PROXY: never trust forwarded headers unless told to. */
export function trustProxySetting(value: string): boolean | number | string | string[] {
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim());
}
