import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { accessLogPolicy, createLogger, createRegistry, grpcClientMetrics, startMetricsServer, type Logger } from '@tollgate/platform';
import { loadConfig, trustProxySetting, type GatewayConfig } from './config.js';
import { createClients } from './clients.js';
import { certificateExpiryMetric, loadTls } from './tls.js';
import { JwksVerifier } from './auth/jwks.js';
import { Authenticator } from './auth/authenticate.js';
import { GatewayAudit } from './audit-sink.js';
import { KeyCache } from './proxy/key-cache.js';
import { CallLimits } from './proxy/call-limits.js';
import { Escrows } from './proxy/escrows.js';
import { PriceMirror } from './proxy/price-mirror.js';
import { callerLimits, createLimiters, setRateLimitHeaders, startCallerLimits } from './rate-limit/limiters.js';
import { createRedis, redisReady } from './redis.js';
import { requestContext } from './http/request-context.js';
import { corsFromAllowList, requireJsonBody, securityHeaders } from './http/security.js';
import { compressAnswers } from './http/compression.js';
import { serveConsole } from './http/console.js';
import { errorHandler, notFound } from './http/errors.js';
import { httpMetrics } from './http/metrics.js';
import { accessLog } from './http/access-log.js';
import { ipFilter, IpRuleMirror } from './http/ip-filter.js';
import { createRouteDefiner } from './routes/define.js';
import { RouteTable } from './routes/route-table.js';
import { documentOf, registerDocs, type ApiDocument } from './routes/docs.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerApiRoutes } from './routes/index.js';
import type { GatewayDeps } from './deps.js';

export { loadConfig, type ApiDocument };
// The proxy's money path, for the benchmark that drives it against the budget service directly.
export { createClients } from './clients.js';
export { Escrows } from './proxy/escrows.js';

/**
 * The server's request and response classes, made with the app's own prototypes. Express gives
 * every request and response its prototype as it arrives (Object.setPrototypeOf), and V8 then
 * keeps their objects through young-generation GCs and promotes them into scavenges that every
 * call in flight waits out. Made with that prototype from the start, express's call changes
 * nothing and they die young. A bare express app at 200 req/s: scavenges 3.1 → 0.5 ms, 2.3 MB →
 * 5 KB promoted each; the gateway's /health/live 2.8 MB → 0.9 MB, its proxied calls 1.8 → 1.3 MB.
 */
export function expressShaped(app: Express): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  function IncomingMessage(...args: unknown[]): unknown {
    return Reflect.construct(http.IncomingMessage, args, IncomingMessage);
  }
  IncomingMessage.prototype = app.request;
  function ServerResponse(...args: unknown[]): unknown {
    return Reflect.construct(http.ServerResponse, args, ServerResponse);
  }
  ServerResponse.prototype = app.response;
  return {
    IncomingMessage: IncomingMessage as unknown as typeof http.IncomingMessage,
    ServerResponse: ServerResponse as unknown as typeof http.ServerResponse,
  };
}

/** Builds the express app (never listens). Returns a closer for what routes hold open. */
export function createApp(deps: GatewayDeps): { app: Express; close: () => void } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(deps.config.TRUST_PROXY));
  app.set('query parser', 'simple');

  app.use(requestContext(deps.log));
  app.use(httpMetrics(deps.registry));
  app.use(accessLog(deps.log, accessLogPolicy(deps.config)));
  app.use(securityHeaders);
  app.use(corsFromAllowList(deps.config.CORS_ORIGINS));
  app.use(compressAnswers(deps.config.COMPRESSION_THRESHOLD_BYTES));

  // IP rules come before every limit and credential check: a refused client costs nothing more.
  const table = new RouteTable();
  app.use(ipFilter(deps, (req) => table.isAdmin(req.method, req.path)));

  // The web console: static files, before the API's limits and body parsers.
  app.use('/console', serveConsole(deps.config.CONSOLE_DIR, deps.log));

  // Global and per-IP limits on the API (not on health or docs), awaited where the request is answered.
  app.use('/v1', startCallerLimits(deps.limiters));

  // The provider proxy passes bodies through as they are; everything else is JSON only.
  app.use('/v1/proxy', express.raw({ type: () => true, limit: deps.config.BODY_LIMIT_BYTES }));
  app.use(requireJsonBody);
  app.use(express.json({ limit: deps.config.BODY_LIMIT_BYTES, strict: true, type: 'application/json' }));
  // Cookies are read only by the auth endpoints (the refresh cookie's path is /v1/auth).
  app.use('/v1/auth', cookieParser());

  const router = express.Router();
  const { close: closeHealth } = registerRoutes(router, deps, table);
  // OPTIONS (CORS preflights are answered earlier) lists the path's own methods, as 405s do.
  app.options(/.*/, async (req, res, next) => {
    const allowed = table.methodsFor(req.path);
    if (allowed.length === 0) {
      next();
      return;
    }
    try {
      setRateLimitHeaders(res, await callerLimits(res));
    } catch (err) {
      next(err);
      return;
    }
    res.setHeader('Allow', [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', '));
    res.status(204).end();
  });
  app.use(router);

  app.use(notFound(table));
  // A request over its caller's global or per-IP limit is 429, whatever else it would have been.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    callerLimits(res).then((consumed) => {
      if (!res.locals.rateLimits && !res.headersSent) setRateLimitHeaders(res, consumed);
      next(err);
    }, next);
  });
  app.use(errorHandler);
  return { app, close: closeHealth };
}

/** Every route, in express and in the OpenAPI document. Returns the document's registry and a closer for what routes hold open. */
function registerRoutes(router: Router, deps: GatewayDeps, table: RouteTable): { registry: OpenAPIRegistry; close: () => void } {
  const registry = new OpenAPIRegistry();
  const route = createRouteDefiner(router, registry, deps, table);
  const close = registerHealthRoutes(route, deps);
  registerApiRoutes(route, deps);
  registerDocs(router, registry, table);
  return { registry, close };
}

/**
 * The document /openapi.json serves under the configuration `env` (defaults and all), built without a
 * server: the routes register as createApp registers them, with clients that never connect (the
 * console's API types are generated from it: scripts/api-schema.ts). While they register, routes read
 * only the configuration, the clients, the limiters and the metrics registry; the rest of GatewayDeps
 * serves requests, and none come.
 */
export function describeApi(env: NodeJS.ProcessEnv = {}): ApiDocument {
  // Required by the configuration, used by nothing here: no call is made, Redis is never connected.
  const config = loadConfig({ SERVICE_TOKEN_SECRET: 'unused-no-call-is-made-describing-the-api', REDIS_URL: 'redis://unused', ...env });
  const redis = new Redis({ lazyConnect: true });
  const clients = createClients(config);
  const deps = { config, clients, limiters: createLimiters(config, redis), registry: new Registry() };
  const { registry, close } = registerRoutes(express.Router(), deps as GatewayDeps, new RouteTable());
  close();
  for (const c of Object.values(clients)) c.close();
  redis.disconnect();
  return documentOf(registry);
}

export interface RunningGateway {
  url: string;
  port: number;
  /** The self-signed dev certificate, when one is in use (clients trust it as their CA). */
  ca?: string;
  /** The plain-HTTP Prometheus port (METRICS_PORT), when metrics are on. */
  metricsPort?: number;
  stop(): Promise<void>;
}

/**
 * Starts the HTTPS gateway, the optional HTTP→HTTPS redirect and, when METRICS_PORT is set, the
 * Prometheus /metrics listener on its own plain-HTTP port (never on the public one).
 */
export async function start(config: GatewayConfig, logger?: Logger): Promise<RunningGateway> {
  const log = logger ?? createLogger('gateway', config.LOG_LEVEL);
  const registry = createRegistry('gateway');
  const clients = createClients(config, grpcClientMetrics(registry));
  const redis = createRedis(config.REDIS_URL, log);
  const limiters = createLimiters(config, redis);
  if (!(await redisReady(redis))) log.warn('redis not reachable at start; rate limiting starts in memory');
  const jwks = new JwksVerifier(clients, config.JWT_ISSUER, config.JWT_AUDIENCE, config.ACCESS_TOKEN_MAX_TTL_SECONDS, log);
  const deps: GatewayDeps = {
    config,
    log,
    clients,
    auth: new Authenticator(clients, jwks, config.AUTH_CACHE_MS, config.KEEP_WARM_MS),
    limiters,
    audit: new GatewayAudit(clients, log),
    registry,
    ipRules: new IpRuleMirror(clients, redis, config.RATE_LIMIT_PREFIX, log),
    proxy: {
      keys: new KeyCache(clients, config.PROVIDER_KEY_CACHE_MS, config.KEEP_WARM_MS),
      prices: new PriceMirror(clients, log, config.PRICE_REFRESH_MS),
      escrows: new Escrows(clients, log, {
        syncMs: config.ESCROW_SYNC_MS,
        idleMs: config.ESCROW_IDLE_MS,
        defaultMaxOutputTokens: config.DEFAULT_MAX_OUTPUT_TOKENS,
      }),
      limits: new CallLimits(redis, config.RATE_LIMIT_PREFIX, log),
    },
  };
  // Without identity the gateway starts with no IP rules, and takes them as soon as it answers.
  const ipRulesFetched = deps.ipRules.start(3_000);
  deps.proxy.prices.start();
  deps.proxy.escrows.start();
  if (
    !(await deps.proxy.prices.ready(3_000).then(
      () => true,
      () => false,
    ))
  )
    log.warn('no price table from the budget service yet; proxied calls are 503 until one comes');
  await ipRulesFetched;
  const { app, close } = createApp(deps);
  const tls = await loadTls(config, log);
  certificateExpiryMetric(deps.registry, tls);
  const server = https.createServer(
    { ...expressShaped(app), cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ciphers: config.TLS_CIPHERS },
    app,
  );
  server.on('clientError', answerClientError);
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = config.KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.GATEWAY_PORT, config.GATEWAY_HOST, resolve);
  });
  const port = (server.address() as AddressInfo).port;

  let redirect: http.Server | undefined;
  if (config.HTTP_REDIRECT_PORT > 0) {
    redirect = http.createServer((req, res) => {
      const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
      res.writeHead(308, { location: `https://${host}:${port}${req.url ?? '/'}` });
      res.end();
    });
    await new Promise<void>((resolve) => redirect!.listen(config.HTTP_REDIRECT_PORT, config.GATEWAY_HOST, resolve));
  }
  // The same listener the services use: plain HTTP, GET /metrics only, on the gateway's interface.
  let metrics: http.Server | undefined;
  if (config.METRICS_PORT > 0) metrics = await startMetricsServer(deps.registry, config.GATEWAY_HOST, config.METRICS_PORT);
  const url = `https://${config.GATEWAY_HOST === '0.0.0.0' ? '127.0.0.1' : config.GATEWAY_HOST}:${port}`;
  log.info({ url, metrics_port: config.METRICS_PORT || undefined }, 'gateway listening');

  return {
    url,
    port,
    ca: tls.selfSigned ? tls.cert : undefined,
    metricsPort: metrics ? config.METRICS_PORT : undefined,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
      await closed;
      clearTimeout(timer);
      redirect?.close();
      await new Promise<void>((resolve) => (metrics ? metrics.close(() => resolve()) : resolve()));
      await deps.proxy.escrows.drain();
      deps.proxy.prices.stop();
      deps.ipRules.stop();
      deps.proxy.keys.stop();
      deps.auth.stop();
      await deps.audit.stop();
      close();
      for (const c of Object.values(clients)) c.close();
      redis.disconnect();
      log.info('gateway stopped');
    },
  };
}

/** What Node would answer to a request it cannot parse, in the API's error envelope (a bare 431 otherwise). */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'headers_too_large', 'The request headers are too large (at most 16 KB together)']
      : [400, 'Bad Request', 'validation_failed', 'Malformed HTTP request'];
  const body = JSON.stringify({ error: { code, message, request_id: randomUUID() } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
