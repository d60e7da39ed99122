import { createServiceClient, type Principal } from '@tollgate/platform';
import { loadIdentity } from '@tollgate/proto';
import { expectStatus, measure, printTable, startBenchMesh } from './lib.js';

// Issue 2 benchmark: login and authenticated GET /v1/auth/me through the gateway (HTTPS,
// rate limiting, JWT verification, session check), side by side with direct gRPC calls
// to identity measured in the same run.
const concurrency = 16;
const durationMs = 5_000;

const mesh = await startBenchMesh({
  // Benchmarks hammer one account from one IP: lift the abuse limits, not the work.
  gateway: { LOGIN_ATTEMPTS_PER_IP_PER_WINDOW: '10000', RATE_LIMIT_IP_PER_MIN: '1000000', RATE_LIMIT_PRINCIPAL_PER_MIN: '1000000' },
});
try {
  const { BOOTSTRAP_ADMIN_EMAIL: email, BOOTSTRAP_ADMIN_PASSWORD: password } = mesh.secrets;
  const login = await mesh.http.post('/v1/auth/login', { json: { email, password } });
  expectStatus(login, 200);
  const token = login.body.access_token as string;
  const userId = login.body.user.id as string;

  const identity = createServiceClient(loadIdentity().Identity, mesh.addrs.identity, {
    issuer: 'bench',
    secret: mesh.secrets.SERVICE_TOKEN_SECRET,
  });
  const gateway: Principal = { type: 'service', id: 'gateway' };
  const user: Principal = { type: 'user', id: userId, role: 'admin' };

  const rows = [];
  rows.push(
    await measure('GET /v1/auth/me via gateway (JWT)', { concurrency, durationMs }, async () =>
      expectStatus(await mesh.http.get('/v1/auth/me', { token }), 200),
    ),
  );
  rows.push(
    await measure('identity.GetUser direct gRPC (baseline)', { concurrency, durationMs }, () =>
      identity.call.GetUser({ id: userId }, { principal: user }),
    ),
  );
  rows.push(
    await measure('POST /v1/auth/login via gateway', { concurrency: 4, durationMs }, async () =>
      expectStatus(await mesh.http.post('/v1/auth/login', { json: { email, password } }), 200),
    ),
  );
  rows.push(
    await measure('identity.Login direct gRPC (baseline)', { concurrency: 4, durationMs }, () =>
      identity.call.Login({ email, password }, { principal: gateway }),
    ),
  );
  printTable(
    `auth benchmark: ${durationMs / 1000}s per row, concurrency ${concurrency} (login: 4), 2 cores shared by load generator and mesh`,
    rows,
  );
  identity.close();
} finally {
  await mesh.stop();
}
