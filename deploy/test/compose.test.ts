import test from 'ava';
import { configModules } from './support/config-loaders.js';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { composeText, interpolate, loadCompose, parseEnvFile, referencedVariables, serviceEnv } from './support/compose.js';
import { repoRoot, run } from './support/helm.js';
import { DEPLOYABLES, MESH, SERVICES } from './support/k8s.js';
import { SERVICE_REGISTRY } from '../../packages/platform/src/services.js';

const compose = loadCompose();
const exampleText = fs.readFileSync(path.join(repoRoot, '.env.example'), 'utf8');
const example = parseEnvFile(exampleText);

async function generatedEnv(): Promise<Record<string, string>> {
  const result = await run('bash', ['deploy/docker/generate-env.sh']);
  if (result.code !== 0) throw new Error(result.stderr);
  return parseEnvFile(result.stdout);
}

test('docker-compose.yml parses, every variable it uses is in .env.example, and docker compose accepts it when present', async (t) => {
  t.deepEqual(Object.keys(compose.services).sort(), [...DEPLOYABLES, 'mongo', 'redis'].sort());
  const missing = [...referencedVariables(composeText)].filter((name) => !(name in example));
  t.deepEqual(missing, [], 'variables missing from .env.example');

  // The docker CLI's compose plugin, or a standalone docker-compose v2 named by DOCKER_COMPOSE_BIN.
  const [cmd, ...pre] = process.env.DOCKER_COMPOSE_BIN ? [process.env.DOCKER_COMPOSE_BIN] : ['docker', 'compose'];
  const available = await run(cmd, [...pre, 'version']).catch(() => ({ code: 127, stdout: '', stderr: `no ${cmd}` }));
  if (available.code === 0) {
    const config = await run(cmd, [...pre, '--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', '-q']);
    t.is(config.code, 0, config.stderr);
    const missing = await run(cmd, [...pre, '--env-file', '/dev/null', '-f', 'docker-compose.yml', 'config', '-q']);
    t.not(missing.code, 0, 'a missing secret stops compose');
    t.regex(missing.stderr, /set [A-Z_]+ in \.env/);
  } else {
    t.log('docker compose is not installed: checked by parsing only');
  }
});

test('only the gateway publishes a port, and it is the gateway’s HTTPS port', (t) => {
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === 'gateway') continue;
    t.is(service.ports, undefined, `${name} publishes ports`);
  }
  const published = (compose.services.gateway.ports ?? []).map((p) => interpolate(p, example));
  t.deepEqual(published, ['127.0.0.1:8443:8443']);
});

test('every Tollgate container is read-only with a private /tmp, no capabilities and no new privileges', (t) => {
  for (const name of DEPLOYABLES) {
    const service = compose.services[name];
    t.is(service.read_only, true, name);
    t.true(
      service.tmpfs?.some((m) => m.split(':')[0] === '/tmp'),
      name,
    );
    t.deepEqual(service.cap_drop, ['ALL'], name);
    t.true(service.security_opt?.includes('no-new-privileges:true'), name);
    t.deepEqual(service.build, { context: '.', dockerfile: 'deploy/docker/Dockerfile', args: { SERVICE: name } }, name);
  }
  for (const name of ['mongo', 'redis']) t.true(compose.services[name].security_opt?.includes('no-new-privileges:true'), name);
});

test('everything has a health check, and each process starts only once what it calls is healthy', (t) => {
  for (const [name, service] of Object.entries(compose.services)) t.truthy(service.healthcheck?.test?.length, `${name} has no healthcheck`);
  for (const name of SERVICES) {
    t.deepEqual(compose.services[name].healthcheck?.test, ['CMD', 'node', '/app/healthcheck.mjs', 'grpc'], name);
  }
  t.deepEqual(compose.services.gateway.healthcheck?.test, ['CMD', 'node', '/app/healthcheck.mjs', 'https']);

  for (const name of DEPLOYABLES) {
    const dependsOn = compose.services[name].depends_on ?? {};
    const expected = [...MESH[name].calls, name === 'gateway' ? 'redis' : 'mongo'].sort();
    t.deepEqual(Object.keys(dependsOn).sort(), expected, name);
    for (const [dependency, { condition }] of Object.entries(dependsOn)) {
      t.is(condition, 'service_healthy', `${name} → ${dependency}`);
      t.truthy(compose.services[dependency].healthcheck, `${name} waits on ${dependency}, which has no healthcheck`);
    }
  }
});

test('each service has its own database and its own MongoDB user, and mongo-init.js creates exactly those users', async (t) => {
  const env = await generatedEnv();
  const databases = new Map<string, string>();
  for (const name of SERVICES) {
    const vars = serviceEnv(compose.services[name], env);
    t.is(vars.MONGO_DB, `tollgate_${name.replace('-', '_')}`, name);
    const url = new URL(vars.MONGO_URL);
    t.is(url.searchParams.get('authSource'), vars.MONGO_DB, `${name} authenticates against its own database`);
    t.is(decodeURIComponent(url.password), env[`MONGO_PASSWORD_${name.replace('-', '_').toUpperCase()}`], name);
    databases.set(url.username, vars.MONGO_DB);
  }
  t.is(new Set(databases.values()).size, SERVICES.length);

  // Run the init script as mongosh would, against a recording fake database.
  const created = new Map<string, { db: string; roles: unknown }>();
  const fakeDb = {
    getSiblingDB: (database: string) => ({
      createUser: (u: { user: string; pwd: string; roles: unknown }) => created.set(u.user, { db: database, roles: u.roles }),
    }),
  };
  const mongoEnv = serviceEnv(compose.services.mongo, env);
  vm.runInNewContext(fs.readFileSync(path.join(repoRoot, 'deploy/docker/mongo-init.js'), 'utf8'), {
    db: fakeDb,
    process: { env: mongoEnv },
    print: () => undefined,
  });
  t.deepEqual([...created.keys()].sort(), [...databases.keys()].sort());
  for (const [user, { db, roles }] of created) {
    t.is(databases.get(user), db);
    t.deepEqual(roles, [{ role: 'readWrite', db }], `${user} may touch only its own database`);
  }
});

test('when a MongoDB password is left as the placeholder, mongo-init.js refuses to create users', (t) => {
  const env = serviceEnv(compose.services.mongo, example);
  t.throws(
    () =>
      vm.runInNewContext(fs.readFileSync(path.join(repoRoot, 'deploy/docker/mongo-init.js'), 'utf8'), {
        db: {},
        process: { env },
        print: () => undefined,
      }),
    {
      message: /MONGO_PASSWORD_IDENTITY is not set/,
    },
  );
});

test('networks keep MongoDB to the services, Redis to the gateway, and the internet to the gateway', (t) => {
  const members = (network: string) =>
    Object.entries(compose.services)
      .filter(([, s]) => s.networks?.includes(network))
      .map(([n]) => n)
      .sort();
  t.deepEqual(members('mongo'), ['mongo', ...SERVICES].sort());
  t.deepEqual(members('redis'), ['gateway', 'redis']);
  t.deepEqual(members('mesh'), [...DEPLOYABLES].sort());
  t.deepEqual(members('edge'), ['gateway']);
  for (const network of ['mesh', 'mongo', 'redis']) t.is(compose.networks?.[network]?.internal, true, network);
  t.true(compose.services.mongo.volumes?.some((v) => v.startsWith('mongo-data:')));
  t.true('mongo-data' in (compose.volumes ?? {}));
});

test('with a generated .env, the environment compose gives each process passes that process’s own config validation and points it at its callees', async (t) => {
  const env = await generatedEnv();
  for (const name of DEPLOYABLES) {
    const vars = serviceEnv(compose.services[name], env);
    t.notThrows(() => configModules[name].loadConfig(vars), name);
    if (name !== 'gateway') t.is(vars.GRPC_PORT, String(MESH[name].port), name);
    for (const peer of MESH[name].calls) t.is(vars[SERVICE_REGISTRY[peer].addrVar], `${peer}:${MESH[peer].port}`, `${name} → ${peer}`);
    // Metrics on their own unpublished port, the gateway's included (never on its HTTPS port).
    t.is(vars.METRICS_PORT, '9464', name);
  }
  t.is(serviceEnv(compose.services.gateway, env).REDIS_URL, `redis://:${env.REDIS_PASSWORD}@redis:6379`);
});

test('.env.example commits placeholders only, and generate-env.sh replaces every one with a fresh value', async (t) => {
  const secrets = Object.entries(example)
    .filter(([, v]) => v === 'replace-me')
    .map(([k]) => k);
  t.true(secrets.length >= 13, `only ${secrets.length} placeholders`);
  for (const key of [
    'SERVICE_TOKEN_SECRET',
    'JWT_KEY_ENCRYPTION_KEY',
    'TOKEN_PEPPER',
    'PROVIDER_KEY_ENCRYPTION_KEYS',
    'WEBHOOK_SECRET_KEYS',
    'IP_TOKEN_KEY',
    'BOOTSTRAP_ADMIN_PASSWORD',
    'REDIS_PASSWORD',
  ]) {
    t.is(example[key], 'replace-me', key);
  }
  const first = await generatedEnv();
  const second = await generatedEnv();
  t.deepEqual(Object.keys(first), Object.keys(example));
  for (const key of secrets) {
    t.not(first[key], 'replace-me', key);
    t.not(first[key], second[key], `${key} is random`);
  }
  t.is(Buffer.from(first.JWT_KEY_ENCRYPTION_KEY, 'base64').length, 32);
  t.is(Buffer.from(first.IP_TOKEN_KEY, 'base64').length, 32);
  t.regex(first.PROVIDER_KEY_ENCRYPTION_KEYS, /^k1:[A-Za-z0-9+/]{43}=$/);
  t.regex(first.WEBHOOK_SECRET_KEYS, /^k1:[A-Za-z0-9+/]{43}=$/);
});

test('.env is ignored by git and kept out of the image build context', (t) => {
  t.regex(fs.readFileSync(path.join(repoRoot, '.gitignore'), 'utf8'), /^\.env$/m);
  t.regex(fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8'), /^\.env$/m);
});
