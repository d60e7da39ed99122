import type http from 'node:http';
import type { Connection } from 'mongoose';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { loadAudit } from '@tollgate/proto';
import type { ServiceBaseConfig } from './config.js';
import { accessLogPolicy, createLogger } from './logger.js';
import { createRegistry, grpcClientMetrics, grpcServerMetrics, startMetricsServer } from './metrics.js';
import { connectMongo, databaseName, syncIndexes } from './mongo.js';
import { Migrator, type Migration } from './migrations.js';
import { createGrpcServer, type GrpcServer, type ServiceRegistration } from './grpc/server.js';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { createServiceClient, type ServiceClient, type ServiceCtor } from './grpc/client.js';
import { createAuditOutbox, type AuditEmitter } from './audit-outbox.js';
import { serviceInfoRegistration } from './service-info.js';

/** What a service's wiring gets to build its handlers from. */
export interface ServiceRuntime {
  name: string;
  log: Logger;
  registry: Registry;
  db: Connection;
  audit: AuditEmitter;
  /** Creates a client to another service, authenticated as this service. */
  client<D extends ServiceDefinition>(ctor: ServiceCtor<D>, address: string): ServiceClient<D>;
}

export interface ServiceSpec<C extends ServiceBaseConfig> {
  name: string;
  config: C;
  packageDefinition: PackageDefinition;
  /** The service's database migrations (applied at start unless MIGRATE_ON_START is false). */
  migrations: readonly Migration[];
  logger?: Logger;
  /** Builds handlers and background jobs. Returned stop hooks run at shutdown, before the DB closes. */
  setup(rt: ServiceRuntime): Promise<{ services: ServiceRegistration[]; onStop?: () => Promise<void> }>;
  /**
   * Override the audit sink. The audit service itself appends locally instead of
   * calling itself over gRPC.
   */
  audit?: (rt: Omit<ServiceRuntime, 'audit'>) => AuditEmitter;
}

export interface RunningService {
  port: number;
  runtime: ServiceRuntime;
  grpc: GrpcServer;
  stop(): Promise<void>;
}

/**
 * The common life of every gRPC service: connect its own database, migrate it, build indexes,
 * start the audit outbox relay, serve gRPC (health + reflection) and metrics, report
 * SERVING only when the database is reachable, and shut down in order: NOT_SERVING,
 * drain calls, stop jobs, flush the outbox, close the database.
 */
export async function startService<C extends ServiceBaseConfig>(spec: ServiceSpec<C>): Promise<RunningService> {
  const { config } = spec;
  const log = spec.logger ?? createLogger(spec.name, config.LOG_LEVEL);
  const registry = createRegistry(spec.name);
  const db = await connectMongo(config.MONGO_URL, databaseName(spec.name, config.MONGO_DB), log, config.MONGO_POOL_SIZE, registry);
  const clients: { close(): void }[] = [];
  const clientMetrics = grpcClientMetrics(registry);
  const base: Omit<ServiceRuntime, 'audit'> = {
    name: spec.name,
    log,
    registry,
    db,
    client<D extends ServiceDefinition>(ctor: ServiceCtor<D>, address: string) {
      const c = createServiceClient(ctor, address, { issuer: spec.name, secret: config.SERVICE_TOKEN_SECRET, metrics: clientMetrics });
      clients.push(c);
      return c;
    },
  };
  const audit =
    spec.audit?.(base) ??
    createAuditOutbox({
      conn: db,
      source: spec.name,
      log,
      registry,
      client: base.client(loadAudit().Audit, config.AUDIT_ADDR),
    });
  const runtime: ServiceRuntime = { ...base, audit };

  let setupResult: Awaited<ReturnType<ServiceSpec<C>['setup']>>;
  try {
    await migrate(spec, db, log);
    setupResult = await spec.setup(runtime);
    await syncIndexes(db);
  } catch (err) {
    // Leave nothing open behind a failed start (matters for in-process tests).
    await audit.stop().catch(() => undefined);
    for (const c of clients) c.close();
    await db.close();
    throw err;
  }
  const { services, onStop } = setupResult;
  const startedAt = Date.now();

  const grpcServer = createGrpcServer({
    serviceName: spec.name,
    logger: log,
    secret: config.SERVICE_TOKEN_SECRET,
    services: [...services, serviceInfoRegistration(spec.name, db, startedAt)],
    packageDefinition: spec.packageDefinition,
    metrics: grpcServerMetrics(registry),
    accessLog: accessLogPolicy(config),
  });
  const port = await grpcServer.listen(config.GRPC_HOST, config.GRPC_PORT);
  grpcServer.setServing(true);
  db.on('disconnected', () => grpcServer.setServing(false));
  db.on('reconnected', () => grpcServer.setServing(true));

  let metricsServer: http.Server | undefined;
  if (config.METRICS_PORT > 0) metricsServer = await startMetricsServer(registry, config.GRPC_HOST, config.METRICS_PORT);
  log.info({ port, metrics_port: config.METRICS_PORT || undefined }, `${spec.name} serving gRPC`);

  let stopping: Promise<void> | undefined;
  return {
    port,
    runtime,
    grpc: grpcServer,
    stop() {
      stopping ??= (async () => {
        grpcServer.setServing(false);
        await grpcServer.stop(config.SHUTDOWN_TIMEOUT_MS);
        await onStop?.();
        await audit.stop();
        for (const c of clients) c.close();
        await new Promise<void>((r) => (metricsServer ? metricsServer.close(() => r()) : r()));
        await db.close();
        log.info(`${spec.name} stopped`);
      })();
      return stopping;
    },
  };
}

/**
 * Brings the database to the build's latest migration, or, where a deploy step migrates
 * (MIGRATE_ON_START=false), only checks it. Either way a database migrated past what
 * this build knows stops the start.
 */
async function migrate<C extends ServiceBaseConfig>(spec: ServiceSpec<C>, db: Connection, log: Logger): Promise<void> {
  const migrator = new Migrator({ service: spec.name, conn: db, migrations: spec.migrations, log });
  if (spec.config.MIGRATE_ON_START) {
    const applied = await migrator.up();
    if (applied.length > 0) log.info({ versions: applied }, 'database migrated');
    return;
  }
  const pending = await migrator.pending();
  if (pending.length > 0) log.warn({ versions: pending.map((m) => m.version) }, 'database migrations are pending');
}

/**
 * Entry-point helper for main.ts: runs start(), stops cleanly on SIGINT/SIGTERM, and
 * exits non-zero with a readable message when start-up fails (e.g. bad config).
 */
export function runMain(name: string, start: () => Promise<{ stop(): Promise<void> }>, log?: Logger): void {
  const logger = log ?? createLogger(name);
  // start() may throw before it returns a promise (e.g. loadConfig): handle both alike.
  Promise.resolve()
    .then(start)
    .then(
      (running) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          running.stop().then(
            () => process.exit(0),
            (err: unknown) => {
              logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      },
      (err: unknown) => {
        logger.fatal({ err: err instanceof Error ? { message: err.message } : err }, `${name} failed to start`);
        process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
}
