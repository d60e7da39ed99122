import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  allocatePorts,
  ferretdbBinary,
  freePort,
  generateSecrets,
  keepOrStart,
  launchMesh,
  mailpitBinary,
  stackEnv,
  startEmbeddedMongo,
  startMailpit,
  startRedis,
  type EmbeddedMongo,
  type ManagedProcess,
  type Mesh,
  type ServiceName,
  type StackSecrets,
  type Supervisor,
} from '@tollgate/devkit';
import { testEnv } from './env.js';
import { httpClient, type HttpClient } from './http.js';

const root = path.resolve(import.meta.dirname, '../..');

type EnvOverrides = Partial<Record<ServiceName | 'gateway', Record<string, string>>>;

export interface ProcessMesh {
  url: string;
  /** The mesh's FerretDB (for same-database baselines). */
  mongoUrl: string;
  http: HttpClient;
  secrets: StackSecrets;
  addrs: Record<ServiceName, string>;
  env: Record<ServiceName | 'gateway', Record<string, string>>;
  /** Each deployable's process, and the infrastructure's. */
  processes: Mesh['processes'];
  mongo: EmbeddedMongo;
  redis: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * The mesh as separate processes (like `npm start`), on its own fresh infrastructure in a
 * temp dir: for benchmarks (the load generator in this process does not share an event loop
 * with what it measures) and for fault tests (anything may be killed without touching the
 * other tests' databases). With a supervisor, every process is restarted when it crashes.
 */
export async function startProcessMesh(
  opts: {
    /** Variables per deployable, or a function of the services' addresses that returns them. */
    env?: EnvOverrides | ((addrs: Record<ServiceName, string>) => EnvOverrides);
    supervisor?: Supervisor;
    /** The deployables' LOG_LEVEL (default warn). */
    logLevel?: string;
  } = {},
): Promise<ProcessMesh> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-mesh-'));
  const infra: ManagedProcess[] = [];
  const cleanup = async () => {
    for (const p of infra.reverse()) await p.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const mongo = await startEmbeddedMongo({
      engine: testEnv.embeddedDb,
      ferretdbBin: ferretdbBinary(root, testEnv.ferretdbBin),
      pgBinDir: testEnv.pgBin,
      dataDir: path.join(tmp, 'db'),
      durable: false,
      supervisor: opts.supervisor,
    });
    infra.push(mongo);
    const redis = await keepOrStart(opts.supervisor, 'redis', (port) => startRedis({ port }));
    infra.push(redis);
    // The test run's Mailpit; benchmarks (run without one) get their own.
    let smtpUrl = testEnv.smtpUrl;
    if (!smtpUrl) {
      const mailpit = await startMailpit({ bin: mailpitBinary(root, testEnv.mailpitBin) });
      infra.push(mailpit);
      smtpUrl = mailpit.smtpUrl;
    }
    const layout = await allocatePorts();
    const secrets = generateSecrets();
    const env = stackEnv({
      layout,
      secrets,
      mongoUrl: mongo.url,
      redisUrl: redis.url,
      smtpUrl,
      dbPrefix: 'mesh',
      logLevel: opts.logLevel ?? 'warn',
    });
    const gatewayPort = await freePort();
    env.gateway = { ...env.gateway, GATEWAY_PORT: String(gatewayPort), TLS_DEV_CERT_DIR: path.join(tmp, 'tls') };
    const overrides = typeof opts.env === 'function' ? opts.env(layout.addrs) : (opts.env ?? {});
    for (const [k, v] of Object.entries(overrides)) env[k as ServiceName | 'gateway'] = { ...env[k as ServiceName | 'gateway'], ...v };
    const mesh = await launchMesh({ root, layout, env, gatewayPort, baseEnv: { PATH: process.env.PATH }, supervisor: opts.supervisor });
    const url = `https://127.0.0.1:${gatewayPort}`;
    const http = httpClient(url, fs.readFileSync(path.join(tmp, 'tls/cert.pem')));
    return {
      url,
      mongoUrl: mongo.url,
      http,
      secrets,
      addrs: layout.addrs,
      env,
      processes: mesh.processes,
      mongo,
      redis,
      async stop() {
        http.close();
        await mesh.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
