import { createServiceClient, type Principal } from '@tollgate/platform';
import { loadToken } from '@tollgate/proto';
import { freePort } from '@tollgate/devkit';
import { expectStatus, measure, printTable, startBenchMesh } from './lib.js';

// Issue 3 benchmark: the same route (GET /v1/tokens) authenticated with an API token vs a
// JWT session, and the token service's raw Introspect over gRPC, in one run.
// Targets: Introspect p99 < 1 ms; a token-authenticated request ≤ 1.2x a JWT one.
const concurrency = 16;
const durationMs = 5_000;

const tokenMetricsPort = await freePort();
const mesh = await startBenchMesh({
  token: { METRICS_PORT: String(tokenMetricsPort) },
  gateway: { RATE_LIMIT_IP_PER_MIN: '1000000', RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000', RATE_LIMIT_TOKEN_PER_MIN: '1000000' },
});
try {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = mesh.secrets;
  const login = await mesh.http.post('/v1/auth/login', { json: { email, password } });
  expectStatus(login, 200);
  const jwt = login.body.access_token as string;
  const created = await mesh.http.post('/v1/tokens', { token: jwt, json: { name: 'bench', scopes: ['tokens:read'] } });
  expectStatus(created, 201);
  const pat = created.body.token as string;

  const token = createServiceClient(loadToken().Token, mesh.addrs.token, { issuer: 'bench', secret: mesh.secrets.SERVICE_TOKEN_SECRET });
  const gateway: Principal = { type: 'service', id: 'gateway' };

  const rows = [];
  rows.push(
    await measure('GET /v1/tokens with a JWT session (baseline)', { concurrency, durationMs }, async () =>
      expectStatus(await mesh.http.get('/v1/tokens?limit=1', { token: jwt }), 200),
    ),
  );
  rows.push(
    await measure('GET /v1/tokens with an API token (tg_pat_)', { concurrency, durationMs }, async () =>
      expectStatus(await mesh.http.get('/v1/tokens?limit=1', { token: pat }), 200),
    ),
  );
  rows.push(
    await measure('token.Introspect direct gRPC, 1 in flight', { concurrency: 1, durationMs }, async () => {
      const res = await token.call.Introspect({ token: pat }, { principal: gateway });
      if (!res.active) throw new Error('token inactive');
    }),
  );
  rows.push(
    await measure(`token.Introspect direct gRPC, ${concurrency} in flight`, { concurrency, durationMs }, async () => {
      const res = await token.call.Introspect({ token: pat }, { principal: gateway });
      if (!res.active) throw new Error('token inactive');
    }),
  );
  printTable(`token benchmark: ${durationMs / 1000}s per row, 2 cores shared by load generator and mesh`, rows);
  // The token service's own view of Introspect (its gRPC handling histogram), without
  // the client, the loopback hop, or the load generator sharing the 2 cores.
  const metrics = await (await fetch(`http://127.0.0.1:${tokenMetricsPort}/metrics`)).text();
  const bucket = (le: string) =>
    Number(
      metrics
        .split('\n')
        .find(
          (l) => l.startsWith('grpc_server_handling_seconds_bucket{') && l.includes('grpc_method="Introspect"') && l.includes(`le="${le}"`),
        )
        ?.split(' ')
        .pop() ?? 0,
    );
  const total = bucket('+Inf');
  process.stdout.write(
    `token service, server side: ${total} Introspect calls, ${((bucket('0.0005') / total) * 100).toFixed(2)}% ≤ 0.5 ms, ` +
      `${((bucket('0.001') / total) * 100).toFixed(2)}% ≤ 1 ms, ${((bucket('0.0025') / total) * 100).toFixed(2)}% ≤ 2.5 ms\n`,
  );
  const [jwtRow, patRow] = rows;
  process.stdout.write(
    `API-token / JWT p50 ratio: ${(patRow.p50 / jwtRow.p50).toFixed(2)}x, p99 ratio: ${(patRow.p99 / jwtRow.p99).toFixed(2)}x\n`,
  );
  token.close();
} finally {
  await mesh.stop();
}
