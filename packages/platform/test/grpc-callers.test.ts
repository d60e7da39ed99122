import test from 'ava';
import { loadToken, packageDefinition } from '@tollgate/proto';
import type { Principal } from '../src/auth/principal.js';
import { AppError } from '../src/errors.js';
import { createLogger } from '../src/logger.js';
import { createServiceClient } from '../src/grpc/client.js';
import { createGrpcServer, registration, type GrpcServer } from '../src/grpc/server.js';
import { RPC_CALLERS } from '../src/rpc-callers.js';

// The server wrapper refuses a caller the RPC does not declare before its handler runs.
const SECRET = 'grpc-callers-test-secret-0123456789abcd';
const { Token } = loadToken();
/** The RPCs whose handlers ran, in order. */
const ran: string[] = [];
let server: GrpcServer;
let port: number;

test.before(async () => {
  const handlers = Object.fromEntries(
    Object.keys(Token.service).map((m) => [
      m,
      () => {
        ran.push(m);
        return Promise.resolve({});
      },
    ]),
  );
  server = createGrpcServer({
    serviceName: 'test',
    logger: createLogger('test', 'silent'),
    secret: SECRET,
    services: [registration('tollgate.token.v1.Token', Token.service, handlers as never, RPC_CALLERS.token)],
    packageDefinition: packageDefinition('token'),
  });
  port = await server.listen('127.0.0.1', 0);
});
test.after.always(() => server?.stop(1_000));

async function outcome(rpc: 'CreateAgentToken' | 'ListTokens', principal: Principal): Promise<string> {
  const client = createServiceClient(Token, `127.0.0.1:${port}`, { issuer: 'test', secret: SECRET, defaultDeadlineMs: 5_000 });
  try {
    await (client.call[rpc] as (req: object, call: object) => Promise<unknown>)({}, { principal, requestId: 'r1' });
    return 'ok';
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  } finally {
    client.close();
  }
}

test('when a caller the RPC does not declare calls it, then 403 and its handler never runs', async (t) => {
  ran.length = 0;
  t.is(await outcome('CreateAgentToken', { type: 'service', id: 'gateway' }), 'forbidden');
  t.is(await outcome('CreateAgentToken', { type: 'user', id: 'u1', role: 'admin' }), 'forbidden');
  t.is(await outcome('ListTokens', { type: 'token', id: 'u1', role: 'admin', scopes: ['tokens:write'] }), 'insufficient_scope');
  t.is(await outcome('ListTokens', { type: 'agent', id: 'agt_1', scopes: ['proxy:invoke'] }), 'forbidden');
  t.deepEqual(ran, []);
  t.is(await outcome('CreateAgentToken', { type: 'service', id: 'budget' }), 'ok');
  t.is(await outcome('ListTokens', { type: 'user', id: 'u1', role: 'viewer' }), 'ok');
  t.deepEqual(ran, ['CreateAgentToken', 'ListTokens']);
});
