import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { dbQueryMetrics } from './metrics.js';

// Operator-injection guard: a stray `{ $ne: ... }` in a filter is wrapped in $eq, and a
// filter key the schema does not know fails loudly instead of matching everything.
// Operators we write ourselves must be marked with mongoose.trusted({ $gte: … }).
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

/** A service's own database: MONGO_DB, else `tollgate_<service>`. */
export function databaseName(service: string, configured?: string): string {
  return configured ?? `tollgate_${service.replace(/-/g, '_')}`;
}

/** The commands timed under their own name; any other is `other`, so the op label stays a fixed set. */
const TIMED_COMMANDS = new Set([
  'find',
  'getMore',
  'insert',
  'update',
  'delete',
  'findAndModify',
  'aggregate',
  'count',
  'distinct',
  'createIndexes',
]);

/**
 * A dedicated connection to the service's own database. With `registry`, every command's
 * time is recorded in db_query_duration_seconds (the driver's command monitoring).
 */
export async function connectMongo(url: string, dbName: string, log: Logger, poolSize = 10, registry?: Registry): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: poolSize,
    autoIndex: true,
    monitorCommands: registry !== undefined,
    // Stated, not left to a URL or a server default: every commit point (a unique insert that spends money, chains
    // an audit event, revokes a session) is acknowledged only once a majority of the replica set has it in its
    // journal, so a failover cannot roll back what an answer already promised. Reads see only what a majority has,
    // so no decision rests on a write a failover could undo. (A URL's own w/journal/readConcernLevel would change them:
    // leave those out of MONGO_URL.)
    writeConcern: { w: 'majority', journal: true },
    readConcern: { level: 'majority' },
  });
  conn.on('disconnected', () => log.warn({ db: dbName }, 'mongo disconnected'));
  conn.on('reconnected', () => log.info({ db: dbName }, 'mongo reconnected'));
  if (registry) timeCommands(conn, registry);
  await conn.asPromise();
  log.info({ db: dbName }, 'mongo connected');
  return conn;
}

/**
 * Times each command from its start event to its end event. Only the start names the command's
 * collection (`{ find: 'users', … }`; a getMore's is in `collection`), so it is kept by request
 * id until the end. A command that is not a timed one is `other` with no collection.
 */
function timeCommands(conn: Connection, registry: Registry): void {
  const duration = dbQueryMetrics(registry);
  const started = new Map<number, { collection: string; op: string }>();
  const client = conn.getClient();
  client.on('commandStarted', (e) => {
    const op = TIMED_COMMANDS.has(e.commandName) ? e.commandName : 'other';
    const named: unknown = op === 'other' ? '' : op === 'getMore' ? e.command.collection : e.command[op];
    started.set(e.requestId, { collection: typeof named === 'string' ? named : '', op });
  });
  const ended = (e: { requestId: number; duration: number }) => {
    const labels = started.get(e.requestId);
    if (!labels) return;
    started.delete(e.requestId);
    duration.observe(labels, e.duration / 1000);
  };
  client.on('commandSucceeded', ended);
  client.on('commandFailed', ended);
}

/** Ensures every model's indexes exist before the service reports SERVING. */
export async function syncIndexes(conn: Connection): Promise<void> {
  await Promise.all(Object.values(conn.models).map((m) => m.init()));
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
