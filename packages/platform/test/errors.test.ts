import test from 'ava';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { AppError, errorCodesOf, fromGrpcError, isDatabaseUnavailable, RateLimitedError, toGrpcError } from '../src/errors.js';

const driverError = (name: string, message: string) => Object.assign(new Error(message), { name });

// What the MongoDB driver and FerretDB say while the database (or PostgreSQL behind FerretDB) is
// down or restarting, as seen in the fault suite: each must be a 503 to the caller, not a 500.
test('when the database is out of reach, then the error is unavailable (503), however the driver words it', (t) => {
  const outages = [
    driverError('MongoNetworkError', 'connection 12 to 127.0.0.1:27017 closed'),
    driverError('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27017'),
    driverError('MongoPoolClearedError', 'Connection pool for 127.0.0.1:27017 was cleared'),
    driverError('MongoBulkWriteError', 'connect ECONNREFUSED 127.0.0.1:36737'),
    driverError('MongoBulkWriteError', 'connection 146 to 127.0.0.1:36737 closed'),
    driverError('MongoBulkWriteError', 'read ECONNRESET'),
    driverError('MongoServerError', '[msg_find.go:344] FATAL: terminating connection due to unexpected postmaster exit (SQLSTATE 57P01)'),
    driverError('MongoServerError', 'failed to connect to `user=postgres database=ferretdb`: dial tcp: connect: connection refused'),
    driverError('MongooseError', 'Operation `agents.findOne()` buffering timed out after 10000ms'),
    Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
  ];
  for (const err of outages) {
    t.true(isDatabaseUnavailable(err), err.message);
    t.is(toGrpcError(err).code, GrpcStatus.UNAVAILABLE, err.message);
  }
});

test('when an error is a real fault, then it stays internal (500)', (t) => {
  for (const err of [
    new TypeError('x is undefined'),
    driverError('MongoServerError', 'E11000 duplicate key error'),
    driverError('MongoBulkWriteError', 'E11000 duplicate key error collection: budget_journal'),
  ]) {
    t.false(isDatabaseUnavailable(err), err.message);
    t.is(toGrpcError(err).code, GrpcStatus.INTERNAL, err.message);
  }
});

/** What a gRPC client receives for an error a server threw. */
function overTheWire(err: AppError): ServiceError {
  const sent = toGrpcError(err);
  return Object.assign(new Error(sent.message), { code: sent.code!, details: sent.details!, metadata: sent.metadata ?? new Metadata() });
}

test('when any error crosses gRPC, then the client gets back the class, code, statuses and details the server threw', (t) => {
  const statuses = [400, 401, 402, 403, 404, 405, 409, 413, 415, 429, 500, 503, 504];
  const codes = statuses.flatMap((s) => errorCodesOf(s));
  t.true(codes.length >= 20, 'every code has a status');
  for (const code of codes) {
    const thrown = new AppError(code, `the ${code} message`, { retry_after: 7, allowed: ['GET'] });
    const received = fromGrpcError(overTheWire(thrown));
    t.not(received.constructor, AppError, `${code} comes back as its own class`);
    t.is(received.code, code);
    t.is(received.httpStatus, thrown.httpStatus, code);
    t.is(received.grpcStatus, thrown.grpcStatus, code);
    t.is(toGrpcError(received).code, thrown.grpcStatus, code);
    if (!['internal', 'rate_limited', 'method_not_allowed'].includes(code)) t.is(received.message, `the ${code} message`);
  }
  t.is((fromGrpcError(overTheWire(new RateLimitedError(7))) as RateLimitedError).retryAfterSeconds, 7);
  t.deepEqual(errorCodesOf(503), ['service_unavailable']);
  t.deepEqual(errorCodesOf(409), ['conflict']);
});

test('when a server sends a code that is not in the table, then the client goes by the gRPC status alone', (t) => {
  const metadata = new Metadata();
  metadata.set('x-error-code', 'toString');
  const received = fromGrpcError(Object.assign(new Error('x'), { code: GrpcStatus.NOT_FOUND, details: 'gone', metadata }));
  t.is(received.code, 'not_found');
});
