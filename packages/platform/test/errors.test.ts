import test from 'ava';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isDatabaseUnavailable, toGrpcError } from '../src/errors.js';

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
  for (const err of [new TypeError('x is undefined'), driverError('MongoServerError', 'E11000 duplicate key error'), driverError('MongoBulkWriteError', 'E11000 duplicate key error collection: budget_journal')]) {
    t.false(isDatabaseUnavailable(err), err.message);
    t.is(toGrpcError(err).code, GrpcStatus.INTERNAL, err.message);
  }
});
