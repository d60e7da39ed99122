import test from 'ava';
import * as grpc from '@grpc/grpc-js';
import { loadToken, packageDefinition } from '@tollgate/proto';
import { ASSERTION_METADATA_KEY, mintAssertion } from '../src/auth/assertion.js';
import { createLogger } from '../src/logger.js';
import { createServiceClient, onward, type ServiceClient } from '../src/grpc/client.js';
import type { CallContext } from '../src/grpc/context.js';
import { createGrpcServer, registration, type GrpcServer } from '../src/grpc/server.js';
import { RPC_CALLERS } from '../src/rpc-callers.js';

// A call's onward calls end with it: a front server whose handler calls a back server (as a
// service calls its neighbour, with onward(ctx)), and a client that gives up on the front call.
const SECRET = 'grpc-cancellation-test-secret-0123456789';
const { Token } = loadToken();
type Handler = (req: { token: string }, ctx: CallContext) => Promise<unknown>;

function serverWith(introspect: Handler): GrpcServer {
  const handlers = Object.fromEntries(
    Object.keys(Token.service).map((m) => [m, m === 'Introspect' ? introspect : () => Promise.reject(new Error('not in this test'))]),
  );
  return createGrpcServer({
    serviceName: 'test',
    logger: createLogger('test', 'silent'),
    secret: SECRET,
    services: [registration('tollgate.token.v1.Token', Token.service, handlers as never, RPC_CALLERS.token)],
    packageDefinition: packageDefinition('token'),
  });
}

let front: GrpcServer;
let back: GrpcServer;
let toBack: ServiceClient<typeof Token.service>;
let frontPort: number;
/** What the back server's handler saw: cancelled while it waited, or answered. */
const seen: string[] = [];

test.before(async () => {
  back = serverWith(async (_req, ctx) => {
    const until = Date.now() + 5_000;
    while (Date.now() < until && !ctx.call.cancelled) await new Promise((r) => setTimeout(r, 20));
    seen.push(ctx.call.cancelled ? 'cancelled' : 'answered');
    return { active: false };
  });
  const backPort = await back.listen('127.0.0.1', 0);
  toBack = createServiceClient(Token, `127.0.0.1:${backPort}`, { issuer: 'front', secret: SECRET, defaultDeadlineMs: 10_000 });
  front = serverWith((req, ctx) => toBack.call.Introspect(req, onward(ctx)));
  frontPort = await front.listen('127.0.0.1', 0);
});
test.after.always(async () => {
  toBack?.close();
  await front?.stop(1_000);
  await back?.stop(1_000);
});

test('when a client cancels a call, then the onward call it made is cancelled too', async (t) => {
  const raw = new Token(`127.0.0.1:${frontPort}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set(ASSERTION_METADATA_KEY, mintAssertion({ type: 'service', id: 'gateway' }, SECRET, 'gateway'));
  const failed = new Promise<grpc.ServiceError>((resolve) => {
    const call = raw.Introspect({ token: 'x' }, md, { deadline: Date.now() + 10_000 }, (err) => resolve(err!));
    setTimeout(() => call.cancel(), 300);
  });
  const started = Date.now();
  t.is((await failed).code, grpc.status.CANCELLED);
  // The back server stops waiting as soon as its call is cancelled, long before its 5 s.
  while (seen.length === 0 && Date.now() - started < 6_000) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(seen, ['cancelled']);
  t.true(Date.now() - started < 2_000, `the back call ended after ${Date.now() - started} ms`);
  raw.close();
});
