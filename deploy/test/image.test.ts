import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, run } from './support/helm.js';
import { DEPLOYABLES } from './support/k8s.js';

// ---- the Dockerfile -------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions per stage, with line continuations joined and comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) continue;
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ from, name, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const dockerfile = fs.readFileSync(path.join(repoRoot, 'deploy/docker/Dockerfile'), 'utf8');
const stages = parseDockerfile(dockerfile);
const final = stages[stages.length - 1];
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

test('the image is a multi-stage build whose final stage runs as a numeric non-root user', (t) => {
  t.true(stages.length >= 3, `${stages.length} stages`);
  t.is(final.name, 'runtime');
  const user = last(final, 'USER')?.args;
  t.truthy(user, 'the final stage sets USER');
  const [uid, gid] = (user ?? '').split(':');
  t.regex(uid, /^\d+$/, 'numeric, so Kubernetes can check runAsNonRoot');
  t.not(Number(uid), 0);
  t.not(Number(gid ?? uid), 0);
});

test('the entrypoint is exec form, so SIGTERM reaches Node and not a shell', (t) => {
  const entrypoint = JSON.parse(last(final, 'ENTRYPOINT')?.args ?? 'null') as string[];
  t.deepEqual(entrypoint, ['node']);
  t.deepEqual(JSON.parse(last(final, 'CMD')?.args ?? 'null'), ['--no-memory-reducer', 'dist/main.js']);
  const healthcheck = last(final, 'HEALTHCHECK')?.args ?? '';
  t.regex(healthcheck, /CMD \["node", "\/app\/healthcheck\.mjs"\]$/);
});

test('production dependencies come from npm ci --omit=dev, and the final stage installs nothing itself', (t) => {
  const prodDeps = stages.find((s) => all(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r.args)));
  t.truthy(prodDeps, 'a stage runs npm ci --omit=dev');
  const prodRuns = all(prodDeps!, 'RUN')
    .map((r) => r.args)
    .join('\n');
  t.regex(prodRuns, /--workspace "@tollgate\/\$SERVICE"/);
  t.regex(prodRuns, /npm_config_build_from_source=true .*npm rebuild/, 'native addons are compiled for the image, not taken prebuilt');

  // The final stage copies only the assembled tree, which takes node_modules from prod-deps.
  const copiesFrom = (stage: Stage) =>
    all(stage, 'COPY')
      .map((c) => /--from=(\S+)/.exec(c.args)?.[1])
      .filter(Boolean);
  t.deepEqual(copiesFrom(final), ['assemble']);
  const assemble = stages.find((s) => s.name === 'assemble')!;
  t.true(all(assemble, 'COPY').some((c) => new RegExp(`--from=${prodDeps!.name} /app /app`).test(c.args)));
  t.false(
    all(assemble, 'COPY').some((c) => c.args.includes('--from=build /app/node_modules')),
    'dev dependencies never reach the image',
  );

  const finalRuns = all(final, 'RUN')
    .map((r) => r.args)
    .join('\n');
  t.notRegex(finalRuns, /npm (ci|install)|yarn (install|add)|apt-get/);
  t.regex(finalRuns, /rm -rf .*\/usr\/local\/bin\/npm/, 'the package manager is removed from the runtime image');
});

test('the image bakes in no secret and listens on all interfaces', (t) => {
  for (const stage of stages) {
    for (const i of [...all(stage, 'ENV'), ...all(stage, 'ARG')]) {
      t.notRegex(i.args, /SECRET|PASSWORD|PEPPER|TOKEN|_KEY\b|MONGO_URL|REDIS_URL/, `${stage.name}: ${i.keyword} ${i.args}`);
    }
  }
  const env = all(final, 'ENV')
    .map((e) => e.args)
    .join(' ');
  t.regex(env, /GRPC_HOST=0\.0\.0\.0/);
  t.regex(env, /GATEWAY_HOST=0\.0\.0\.0/);
  t.regex(env, /NODE_ENV=production/);
});

test('SERVICE selects one of the six deployables and anything else fails the build early', (t) => {
  const build = stages.find((s) => s.name === 'build')!;
  const check = all(build, 'RUN')[0].args;
  for (const name of DEPLOYABLES) t.true(check.includes(name), name);
  t.regex(check, /\*\) echo "SERVICE must be one of .*exit 1/);
});

test('the build context leaves out local state, secrets, dependencies and build output', (t) => {
  const ignored = fs.readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['.git', '.env', '.env.*', '**/node_modules', '**/dist', '.data', '.tools']) t.true(ignored.includes(entry), entry);
  t.true(ignored.includes('!test/package.json'), 'npm ci needs every workspace manifest');
});

test('the runbook’s scripts ship in every image where deploy/README.md says they are', (t) => {
  const assemble = stages.find((s) => s.name === 'assemble')!;
  const copies = all(assemble, 'COPY').map((c) => c.args);
  t.true(copies.includes('deploy/docker/healthcheck.mjs /app/healthcheck.mjs'));
  t.true(copies.includes('deploy/docker/ops/ /app/ops/'));
  const readme = fs.readFileSync(path.join(repoRoot, 'deploy/README.md'), 'utf8');
  t.regex(readme, /node \/app\/ops\/rotate-signing-key\.mjs/);
  t.regex(readme, /node dist\/reencrypt\.js/);
});

// ---- the health-check script the image runs --------------------------------------------

const script = path.join(repoRoot, 'deploy/docker/healthcheck.mjs');
const check = (args: string[], env: Record<string, string>) => run('node', [script, ...args], { HEALTHCHECK_TIMEOUT_MS: '1500', ...env });

async function grpcServer(status: 'SERVING' | 'NOT_SERVING') {
  const server = new grpc.Server();
  new HealthImplementation({ '': status }).addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, close: () => server.forceShutdown() };
}

test('the gRPC health check passes only when the service says SERVING', async (t) => {
  const serving = await grpcServer('SERVING');
  const notServing = await grpcServer('NOT_SERVING');
  try {
    t.is((await check(['grpc'], { GRPC_PORT: String(serving.port) })).code, 0);
    const down = await check(['grpc'], { GRPC_PORT: String(notServing.port) });
    t.is(down.code, 1);
    t.regex(down.stderr, /health status 2/);
    // The image's default for a service is the gRPC check.
    t.is((await check([], { GRPC_PORT: String(serving.port), TOLLGATE_SERVICE: 'audit' })).code, 0);
  } finally {
    serving.close();
    notServing.close();
  }
});

test('the gRPC health check fails when nothing listens or GRPC_PORT is missing', async (t) => {
  const closed = await grpcServer('SERVING');
  closed.close();
  t.is((await check(['grpc'], { GRPC_PORT: String(closed.port) })).code, 1);
  const unset = await check(['grpc'], { GRPC_PORT: '' });
  t.is(unset.code, 1);
  t.regex(unset.stderr, /GRPC_PORT is not set/);
});

test('the HTTPS health check passes on a 200 from /health/live, with the self-signed certificate, and fails otherwise', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-tls-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  const made = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=api.tollgate.example',
  ]);
  t.is(made.code, 0, made.stderr);
  let healthy = true;
  const seen: string[] = [];
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(healthy ? 200 : 503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = String((server.address() as AddressInfo).port);
  try {
    t.is((await check(['https'], { GATEWAY_PORT: port })).code, 0);
    t.is((await check([], { GATEWAY_PORT: port, TOLLGATE_SERVICE: 'gateway' })).code, 0);
    healthy = false;
    const down = await check(['https'], { GATEWAY_PORT: port });
    t.is(down.code, 1);
    t.regex(down.stderr, /HTTP 503/);
    t.true(seen.every((url) => url === '/health/live'));
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
