import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  allocatePorts,
  ferretdbBinary,
  generateSecrets,
  SERVICES,
  stackEnv,
  startFerretDb,
  startRedis,
  waitForTcp,
  type ManagedProcess,
  type StackSecrets,
} from '@tollgate/devkit';
import { scriptEnv } from './config.js';

// `npm start`: the whole mesh as separate processes on this machine. Infrastructure is
// embedded (FerretDB + redis-server, data under .data/) unless MONGO_URL / REDIS_URL are
// set. Secrets are generated once into .data/secrets.json so data survives restarts.
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data');
fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

function loadSecrets(): StackSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as StackSecrets;
  const secrets = generateSecrets();
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const infra: ManagedProcess[] = [];
const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping Tollgate...\n');
  for (const { child } of [...children].reverse()) {
    if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
  for (const p of infra.reverse()) await p.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const secrets = loadSecrets();
let mongoUrl = scriptEnv.mongoUrl;
if (!mongoUrl) {
  const ferret = await startFerretDb({
    bin: ferretdbBinary(root),
    dataDir: path.join(dataDir, 'ferretdb'),
    logFile: path.join(dataDir, 'ferretdb.log'),
  });
  infra.push(ferret);
  mongoUrl = ferret.url;
}
let redisUrl = scriptEnv.redisUrl;
if (!redisUrl) {
  const redis = await startRedis({ dataDir: path.join(dataDir, 'redis'), logFile: path.join(dataDir, 'redis.log') });
  infra.push(redis);
  redisUrl = redis.url;
}

const layout = await allocatePorts();
const env = stackEnv({ layout, secrets, mongoUrl, redisUrl, dbPrefix: 'tollgate' });
const gatewayPort = scriptEnv.gatewayPort ?? '8443';
env.gateway = { ...env.gateway, GATEWAY_PORT: gatewayPort, TLS_DEV_CERT_DIR: path.join(dataDir, 'tls') };

function spawnDeployable(name: string, dir: string, vars: Record<string, string>) {
  const main = path.join(root, dir, 'src/main.ts');
  if (!fs.existsSync(main)) return false;
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', main], {
    cwd: root,
    env: { ...scriptEnv.passthrough, ...vars },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`${name} exited with code ${code}; stopping everything\n`);
      void shutdown(1);
    }
  });
  children.push({ name, child });
  return true;
}

for (const name of SERVICES) {
  if (spawnDeployable(name, `services/${name}`, env[name])) await waitForTcp(layout.ports[name], '127.0.0.1', 60_000);
}
spawnDeployable('gateway', 'gateway', env.gateway);
await waitForTcp(Number(gatewayPort), '127.0.0.1', 60_000);

const adminSource = scriptEnv.passthrough.BOOTSTRAP_ADMIN_PASSWORD
  ? 'BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD from your environment'
  : `${path.relative(root, path.join(dataDir, 'secrets.json'))} (BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD)`;
process.stdout.write(
  [
    '',
    `Tollgate is up:  https://localhost:${gatewayPort}`,
    `  API docs:      https://localhost:${gatewayPort}/docs`,
    `  first admin:   ${secrets.BOOTSTRAP_ADMIN_EMAIL}, password in ${adminSource}`,
    `  TLS:           self-signed dev certificate in .data/tls/ (curl --cacert .data/tls/cert.pem)`,
    `  data:          ${scriptEnv.mongoUrl ? 'MONGO_URL' : '.data/ferretdb'}, ${scriptEnv.redisUrl ? 'REDIS_URL' : '.data/redis'}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
