import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, SERVICE_REGISTRY, type ServiceName } from '@tollgate/platform/services';
import { freePort } from './ports.js';

export type { ServiceName };

/** Each service after the ones it calls, so that every process finds its callees up. */
function calleesFirst(): ServiceName[] {
  const order: ServiceName[] = [];
  while (order.length < SERVICE_NAMES.length) {
    const next = SERVICE_NAMES.find(
      (name) => !order.includes(name) && SERVICE_REGISTRY[name].calls.every((callee) => order.includes(callee)),
    );
    if (!next)
      throw new Error(`the services left call each other in a cycle: ${SERVICE_NAMES.filter((name) => !order.includes(name)).join(', ')}`);
    order.push(next);
  }
  return order;
}

/** The services of the mesh, in start order (audit first: everyone emits to it). */
export const SERVICES: readonly ServiceName[] = calleesFirst();

export interface StackSecrets {
  SERVICE_TOKEN_SECRET: string;
  JWT_KEY_ENCRYPTION_KEY: string;
  TOKEN_PEPPER: string;
  PROVIDER_KEY_ENCRYPTION_KEYS: string;
  WEBHOOK_SECRET_KEYS: string;
  IP_TOKEN_KEY: string;
  BOOTSTRAP_ADMIN_EMAIL: string;
  BOOTSTRAP_ADMIN_PASSWORD: string;
}

/** Fresh random secrets (tests; the dev stack persists one set under .data/). */
export function generateSecrets(adminEmail = 'admin@tollgate.local'): StackSecrets {
  const b64 = () => randomBytes(32).toString('base64');
  return {
    SERVICE_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    JWT_KEY_ENCRYPTION_KEY: b64(),
    TOKEN_PEPPER: randomBytes(32).toString('base64url'),
    PROVIDER_KEY_ENCRYPTION_KEYS: `k1:${b64()}`,
    WEBHOOK_SECRET_KEYS: `k1:${b64()}`,
    IP_TOKEN_KEY: b64(),
    BOOTSTRAP_ADMIN_EMAIL: adminEmail,
    BOOTSTRAP_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
  };
}

export interface StackLayout {
  ports: Record<ServiceName, number>;
  addrs: Record<ServiceName, string>;
}

export async function allocatePorts(): Promise<StackLayout> {
  const ports = {} as Record<ServiceName, number>;
  const addrs = {} as Record<ServiceName, string>;
  for (const s of SERVICES) {
    ports[s] = await freePort();
    addrs[s] = `127.0.0.1:${ports[s]}`;
  }
  return { ports, addrs };
}

export interface StackEnvInput {
  layout: StackLayout;
  secrets: StackSecrets;
  mongoUrl: string;
  redisUrl: string;
  /** Where identity sends mail: Mailpit's smtp://127.0.0.1:<port> for the dev stack and tests, unless SMTP_URL names another. */
  smtpUrl: string;
  /** Database name prefix: `tollgate` for the dev stack, random per test file. */
  dbPrefix: string;
  logLevel?: string;
}

/**
 * The environment of every process of the mesh. The one place that knows which
 * variables each deployable needs from its neighbours; both `npm start` and the test
 * harness build processes from it, so they cannot drift apart.
 */
export function stackEnv(input: StackEnvInput): Record<ServiceName | 'gateway', Record<string, string>> {
  const { layout, secrets } = input;
  const addrs = Object.fromEntries(SERVICES.map((name) => [SERVICE_REGISTRY[name].addrVar, layout.addrs[name]]));
  const common = {
    LOG_LEVEL: input.logLevel ?? 'info',
    GRPC_HOST: '127.0.0.1',
    SERVICE_TOKEN_SECRET: secrets.SERVICE_TOKEN_SECRET,
    MONGO_URL: input.mongoUrl,
    // Small pools: all processes of a test run share one embedded server (see FERRETDB_PG_POOL).
    MONGO_POOL_SIZE: '8',
    ...addrs,
  };
  // What only some services read: their own secrets and settings.
  const own: Partial<Record<ServiceName, Record<string, string>>> = {
    identity: {
      JWT_KEY_ENCRYPTION_KEY: secrets.JWT_KEY_ENCRYPTION_KEY,
      BOOTSTRAP_ADMIN_EMAIL: secrets.BOOTSTRAP_ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: secrets.BOOTSTRAP_ADMIN_PASSWORD,
      SMTP_URL: input.smtpUrl,
      MAIL_FROM: 'Tollgate <no-reply@tollgate.local>',
    },
    token: { TOKEN_PEPPER: secrets.TOKEN_PEPPER },
    // Webhook receivers of the dev stack and tests listen on loopback too.
    audit: { WEBHOOK_SECRET_KEYS: secrets.WEBHOOK_SECRET_KEYS, OUTBOUND_ALLOW_PRIVATE: 'true' },
    'provider-key': {
      PROVIDER_KEY_ENCRYPTION_KEYS: secrets.PROVIDER_KEY_ENCRYPTION_KEYS,
      IP_TOKEN_KEY: secrets.IP_TOKEN_KEY,
      // The dev stack and tests use stand-in providers on loopback.
      OUTBOUND_ALLOW_PRIVATE: 'true',
    },
  };
  const services = Object.fromEntries(
    SERVICES.map((name): [ServiceName, Record<string, string>] => [
      name,
      { ...common, GRPC_PORT: String(layout.ports[name]), MONGO_DB: `${input.dbPrefix}_${name.replace('-', '_')}`, ...own[name] },
    ]),
  ) as Record<ServiceName, Record<string, string>>;
  return {
    ...services,
    gateway: {
      LOG_LEVEL: common.LOG_LEVEL,
      SERVICE_TOKEN_SECRET: secrets.SERVICE_TOKEN_SECRET,
      REDIS_URL: input.redisUrl,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      ...addrs,
    },
  };
}
