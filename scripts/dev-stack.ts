import fs from 'node:fs';
import path from 'node:path';
import {
  allocatePorts,
  ferretdbBinary,
  freePort,
  generateSecrets,
  launchMesh,
  mailpitBinary,
  stackEnv,
  startEmbeddedMongo,
  startMailpit,
  startRedis,
  Supervisor,
  type StackSecrets,
} from '@tollgate/devkit';
import { scriptEnv } from './config.js';

// `npm start`: the whole mesh as separate processes on this machine. Infrastructure is
// embedded (FerretDB on PostgreSQL + redis-server + Mailpit, data under .data/) unless
// MONGO_URL / REDIS_URL / SMTP_URL are set. Secrets are generated once into
// .data/secrets.json so data survives restarts.
// Every process is supervised: one that crashes is restarted (with backoff) while the rest
// keep serving; the gateway answers 503 with Retry-After for what is down meanwhile.
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data');
fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

function loadSecrets(): StackSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StackSecrets>) : {};
  // Kept secrets stay; one a newer version needs is generated once and kept with them.
  const secrets = { ...generateSecrets(), ...stored };
  if (Object.keys(secrets).length !== Object.keys(stored).length) fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const supervisor = new Supervisor({ log: (message) => process.stderr.write(`[supervisor] ${message}\n`) });
let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nstopping Tollgate...\n');
  await supervisor.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const secrets = loadSecrets();
// Explicit bootstrap credentials from the environment win over the generated ones.
if (scriptEnv.passthrough.BOOTSTRAP_ADMIN_EMAIL) secrets.BOOTSTRAP_ADMIN_EMAIL = scriptEnv.passthrough.BOOTSTRAP_ADMIN_EMAIL;
if (scriptEnv.passthrough.BOOTSTRAP_ADMIN_PASSWORD) secrets.BOOTSTRAP_ADMIN_PASSWORD = scriptEnv.passthrough.BOOTSTRAP_ADMIN_PASSWORD;

let mongoUrl = scriptEnv.mongoUrl;
if (!mongoUrl) {
  const mongo = await startEmbeddedMongo({
    engine: scriptEnv.embeddedDb,
    ferretdbBin: ferretdbBinary(root, scriptEnv.ferretdbBin),
    pgBinDir: scriptEnv.pgBin,
    dataDir,
    logDir: dataDir,
    supervisor,
  });
  mongoUrl = mongo.url;
}
let redisUrl = scriptEnv.redisUrl;
if (!redisUrl) {
  const redis = await supervisor.keep('redis', (port) =>
    startRedis({ dataDir: path.join(dataDir, 'redis'), logFile: path.join(dataDir, 'redis.log'), port }),
  );
  redisUrl = redis.url;
}
let smtpUrl = scriptEnv.smtpUrl;
let mailUi = 'SMTP_URL';
if (!smtpUrl) {
  // Both ports chosen once: a restart keeps the SMTP one (services hold it) and this one (printed below).
  const httpPort = await freePort();
  const bin = mailpitBinary(root, scriptEnv.mailpitBin);
  const mailpit = await supervisor.keep('mailpit', (smtpPort) =>
    startMailpit({ bin, smtpPort, httpPort, dataDir: path.join(dataDir, 'mailpit'), logFile: path.join(dataDir, 'mailpit.log') }),
  );
  smtpUrl = mailpit.url;
  mailUi = `http://127.0.0.1:${httpPort} (Mailpit, API under /api/v1; every mail sent, kept in .data/mailpit)`;
}

const layout = await allocatePorts();
const env = stackEnv({ layout, secrets, mongoUrl, redisUrl, smtpUrl, dbPrefix: 'tollgate' });
const gatewayPort = Number(scriptEnv.gatewayPort ?? 8443);
env.gateway = { ...env.gateway, GATEWAY_PORT: String(gatewayPort), TLS_DEV_CERT_DIR: path.join(dataDir, 'tls') };

try {
  await launchMesh({ root, layout, env, gatewayPort, baseEnv: scriptEnv.passthrough, supervisor });
} catch (err) {
  process.stderr.write(`Tollgate failed to start: ${(err as Error).message}\n`);
  await shutdown(1);
}

const adminSource = scriptEnv.passthrough.BOOTSTRAP_ADMIN_PASSWORD
  ? 'BOOTSTRAP_ADMIN_PASSWORD (your environment)'
  : '.data/secrets.json (BOOTSTRAP_ADMIN_PASSWORD)';
process.stdout.write(
  [
    '',
    `Tollgate is up:  https://localhost:${gatewayPort}`,
    `  console:       https://localhost:${gatewayPort}/console/`,
    `  API docs:      https://localhost:${gatewayPort}/docs`,
    `  first admin:   ${secrets.BOOTSTRAP_ADMIN_EMAIL}, password in ${adminSource}`,
    `  mail:          ${mailUi}`,
    '  TLS:           self-signed dev certificate .data/tls/cert.pem (curl --cacert .data/tls/cert.pem)',
    `  data:          ${scriptEnv.mongoUrl ? 'MONGO_URL' : scriptEnv.embeddedDb === 'sqlite' ? '.data/ferretdb (FerretDB on SQLite)' : '.data/postgresql (FerretDB on PostgreSQL)'}, ${scriptEnv.redisUrl ? 'REDIS_URL' : '.data/redis'}`,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
