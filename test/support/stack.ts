import { randomBytes } from 'node:crypto';
import { allocatePorts, generateSecrets, SERVICES, stackEnv, type ServiceName, type StackSecrets } from '@tollgate/devkit';
import { createLogger, SERVICE_REGISTRY, type Logger } from '@tollgate/platform';
import { testEnv } from './env.js';
import { httpClient, type HttpClient } from './http.js';

/** What every deployable's package exports (services/<name>/src/app.ts, gateway/src/app.ts). */
interface Startable {
  /** The bound gRPC port (services). */
  port?: number;
  stop(): Promise<void>;
}
interface DeployableModule {
  loadConfig(env: Record<string, string | undefined>): unknown;
  /** `options`: what only a test sets (the budget service's clock). */
  start(config: never, logger?: Logger, options?: { now?: () => Date }): Promise<Startable & { url?: string; ca?: string }>;
}

/** Every deployable is the package @tollgate/<name> (services/<name>/, gateway/). */
const deployableModule = (name: ServiceName | 'gateway') => import(`@tollgate/${name}`) as Promise<DeployableModule>;

export interface StackOptions {
  /** Services to run (default: all of them). */
  services?: ServiceName[];
  gateway?: boolean;
  /** Extra or overriding variables per deployable. */
  env?: Partial<Record<ServiceName | 'gateway', Record<string, string>>>;
  redisUrl?: string;
  /** The budget service's clock (budgets' periods and days): a test moves it to cross a period boundary. */
  budgetClock?: () => Date;
  /** Where a deployable logs (a test reading its lines), instead of a logger at the test run's level. */
  loggers?: Partial<Record<ServiceName | 'gateway', Logger>>;
}

export interface Stack {
  secrets: StackSecrets;
  addrs: Record<ServiceName, string>;
  env: Record<ServiceName | 'gateway', Record<string, string>>;
  /** https://127.0.0.1:<port> of the gateway, when started. */
  url: string;
  ca?: string;
  http: HttpClient;
  /**
   * Another replica of a service on the same databases (its own port), for tests of what
   * two replicas do at once. Callers stop it themselves; close() does not.
   */
  startReplica(name: ServiceName): Promise<{ addr: string; stop(): Promise<void> }>;
  /** Stop one deployable (outage tests); start() brings it back on the same port. */
  stop(name: ServiceName | 'gateway'): Promise<void>;
  start(name: ServiceName | 'gateway'): Promise<void>;
  /** Stop everything. */
  close(): Promise<void>;
}

/**
 * Runs the real mesh inside the test process: each service with its own fresh
 * databases (random prefix) on the test run's FerretDB, real gRPC on loopback ports,
 * and the gateway over HTTPS with the test run's Redis. Nothing is mocked.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const layout = await allocatePorts();
  const secrets = generateSecrets();
  const dbPrefix = `t${randomBytes(5).toString('hex')}`;
  const env = stackEnv({
    layout,
    secrets,
    mongoUrl: testEnv.mongoUrl,
    redisUrl: opts.redisUrl ?? testEnv.redisUrl,
    smtpUrl: testEnv.smtpUrl ?? '',
    dbPrefix,
    logLevel: testEnv.logLevel,
  });
  env.gateway = { ...env.gateway, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: '0', RATE_LIMIT_PREFIX: dbPrefix };
  for (const [name, extra] of Object.entries(opts.env ?? {})) {
    const key = name as ServiceName | 'gateway';
    env[key] = { ...env[key], ...extra };
  }

  // Services bind port 0 and are started callee-first (audit, identity, token,
  // provider-key, budget, gateway), so each learns its callees' real addresses: a port
  // picked in advance could be taken by another test process before it is bound.
  // (A service a test starts by itself from stack.env keeps its pre-chosen port.)
  const wanted = opts.services ?? [...SERVICES];
  for (const name of wanted) env[name].GRPC_PORT = '0';
  const addrs = { ...layout.addrs };

  const running = new Map<ServiceName | 'gateway', Startable>();
  let url = '';
  let ca: string | undefined;
  const startOne = async (name: ServiceName | 'gateway') => {
    const mod = await deployableModule(name);
    const config = mod.loadConfig(env[name]);
    const log = opts.loggers?.[name] ?? createLogger(name, testEnv.logLevel);
    const r = await mod.start(config as never, log, name === 'budget' ? { now: opts.budgetClock } : {});
    running.set(name, r);
    if (name !== 'gateway' && r.port) {
      addrs[name] = `127.0.0.1:${r.port}`;
      // A restart after an outage comes back on the same port its callers know.
      env[name].GRPC_PORT = String(r.port);
      for (const other of Object.keys(env) as (ServiceName | 'gateway')[]) env[other][SERVICE_REGISTRY[name].addrVar] = addrs[name];
    }
    if (name === 'gateway') {
      url = r.url ?? '';
      ca = r.ca;
      // Later restarts must come back on the same port.
      env.gateway.GATEWAY_PORT = new URL(url).port;
    }
  };

  for (const name of SERVICES) if (wanted.includes(name)) await startOne(name);
  if (opts.gateway !== false) await startOne('gateway');

  let http = httpClient(url || 'https://127.0.0.1:1', ca);
  return {
    secrets,
    addrs,
    env,
    get url() {
      return url;
    },
    get ca() {
      return ca;
    },
    get http() {
      return http;
    },
    async startReplica(name) {
      const mod = await deployableModule(name);
      const config = mod.loadConfig({ ...env[name], GRPC_PORT: '0' });
      const r = await mod.start(
        config as never,
        createLogger(`${name}-replica`, testEnv.logLevel),
        name === 'budget' ? { now: opts.budgetClock } : {},
      );
      return { addr: `127.0.0.1:${r.port}`, stop: () => r.stop() };
    },
    async stop(name) {
      await running.get(name)?.stop();
      running.delete(name);
    },
    async start(name) {
      await startOne(name);
      if (name === 'gateway') {
        http.close();
        http = httpClient(url, ca);
      }
    },
    async close() {
      http.close();
      const order: (ServiceName | 'gateway')[] = ['gateway', ...[...SERVICES].reverse()];
      for (const name of order) await running.get(name)?.stop();
      running.clear();
    },
  };
}
