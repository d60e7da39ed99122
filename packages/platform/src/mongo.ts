import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';

// Operator-injection guard: a stray `{ $ne: ... }` in a filter is wrapped in $eq, and a
// filter key the schema does not know fails loudly instead of matching everything.
// Operators we write ourselves must be marked with mongoose.trusted({ $gte: … }).
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

/** A service's own database: MONGO_DB, else `tollgate_<service>`. */
export function databaseName(service: string, configured?: string): string {
  return configured ?? `tollgate_${service.replace(/-/g, '_')}`;
}

/** A dedicated connection to the service's own database. */
export async function connectMongo(url: string, dbName: string, log: Logger, poolSize = 10): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: poolSize,
    autoIndex: true,
  });
  conn.on('disconnected', () => log.warn({ db: dbName }, 'mongo disconnected'));
  conn.on('reconnected', () => log.info({ db: dbName }, 'mongo reconnected'));
  await conn.asPromise();
  log.info({ db: dbName }, 'mongo connected');
  return conn;
}

/** Ensures every model's indexes exist before the service reports SERVING. */
export async function syncIndexes(conn: Connection): Promise<void> {
  await Promise.all(Object.values(conn.models).map((m) => m.init()));
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
