import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { PROVIDER_NAME, PROVIDER_NAME_RULE, providerProfile, ServiceUnavailableError, STRIPPED_REQUEST_HEADERS, usdToMicros, ValidationError, type Principal } from '@tollgate/platform';
import { GATEWAY, outgoing } from '../http/request-context.js';
import { sendError } from '../http/errors.js';
import { UsageTap } from '../proxy/usage.js';
import type { GatewayDeps } from '../deps.js';
import type { Method, RouteDefiner } from './define.js';

/** What the route decided for one proxied request, read by the proxy's hooks. */
interface ProxyPlan {
  target: string;
  path: string;
  apiKeyHeaders: Record<string, string>;
  body: Buffer;
  tap: UsageTap;
  settle: (status: number, contentType: string | undefined) => void;
}
type ProxiedRequest = IncomingMessage & { proxyPlan?: ProxyPlan };


const params = z.object({
  provider: z.string().regex(PROVIDER_NAME, PROVIDER_NAME_RULE),
  path: z.array(z.string().max(256)).max(32),
});

/**
 * ANY /v1/proxy/{provider}/{path…}: an agent reaches an LLM provider without ever seeing
 * its key. Before anything is sent upstream a lease is reserved on the agent's budget (402
 * when it is exhausted); the stored key is injected; the answer streams back untouched
 * (SSE included) while its usage is read off the stream; then the usage is charged to the
 * lease and the rest of the lease is released.
 */
export function registerProxyRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    router: (req) => (req as ProxiedRequest).proxyPlan!.target,
    changeOrigin: true,
    xfwd: false,
    proxyTimeout: 120_000,
    pathRewrite: (_path, req) => (req as ProxiedRequest).proxyPlan!.path,
    on: {
      proxyReq: (proxyReq, req) => {
        const plan = (req as ProxiedRequest).proxyPlan!;
        for (const h of STRIPPED_REQUEST_HEADERS) proxyReq.removeHeader(h);
        for (const [k, v] of Object.entries(plan.apiKeyHeaders)) proxyReq.setHeader(k, v);
        // Usage is read from the body, so ask for it uncompressed.
        proxyReq.setHeader('accept-encoding', 'identity');
        proxyReq.setHeader('content-length', String(plan.body.length));
        if (plan.body.length > 0) proxyReq.write(plan.body);
      },
      proxyRes: (proxyRes, req) => {
        const plan = (req as ProxiedRequest).proxyPlan!;
        proxyRes.on('data', (chunk: Buffer) => plan.tap.write(chunk));
        proxyRes.on('end', () => plan.settle(proxyRes.statusCode ?? 502, proxyRes.headers['content-type']));
        proxyRes.on('error', () => plan.settle(502, undefined));
      },
      error: (err, req, res) => {
        const plan = (req as ProxiedRequest).proxyPlan;
        plan?.settle(502, undefined);
        const expressReq = req as Request;
        expressReq.ctx?.log.warn({ err: err.message }, 'provider unreachable');
        // `res` is a socket only for upgrades, which this route never proxies.
        if (res instanceof ServerResponse && !res.headersSent) {
          sendError(expressReq, res as Response, new ServiceUnavailableError('The provider did not answer; nothing was charged'));
        }
      },
    },
  });

  const methods: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
  for (const method of methods) {
    route({
      method,
      path: '/v1/proxy/{provider}/{path+}',
      tag: 'Proxy',
      summary: `${method.toUpperCase()} to an LLM provider through the agent's budget`,
      description:
        'Forwards the request to the provider\'s base URL with the stored provider key injected (the client never sees it) and ' +
        'streams the answer back (SSE included). A lease is reserved before anything is sent (402 budget_exhausted when nothing ' +
        'is left), the usage in the response is priced from the model price table and charged, and the rest of the lease is ' +
        'released. Optional header X-Tollgate-Max-Usd caps the lease. Bodies are passed through as they are (not only JSON).',
      auth: 'any',
      principals: ['agent'],
      scope: 'proxy:invoke',
      params,
      openapiParams: z.object({ provider: z.string(), path: z.string().describe('the provider API path, e.g. chat/completions') }),
      errors: [402, 404],
      raw: true,
      handler: async ({ params: p, principal }, req, res) => {
        const agent = principal as Principal;
        const maxUsd = req.get('x-tollgate-max-usd');
        const requested = maxUsd === undefined ? 0 : usdToMicros(maxUsd);
        if (requested === null || (maxUsd !== undefined && requested === 0)) {
          throw new ValidationError('X-Tollgate-Max-Usd must be a positive amount in USD', { 'x-tollgate-max-usd': 'invalid amount' });
        }
        const call = outgoing(req);
        const lease = await deps.clients.budget.call.Handshake(
          { agent_id: agent.id, provider: p.provider, requested_micros: requested, for_proxy: true },
          call,
        );
        let settled = false;
        const release = () => deps.clients.budget.call.ReleaseLease({ lease_id: lease.lease_id }, call);
        try {
          // Decrypting a key is for Tollgate services: the gateway asks on the agent's behalf.
          const key = await deps.clients.providerKey.call.ResolveForProxy({ provider: p.provider, agent_id: agent.id }, outgoing(req, GATEWAY));
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const tap = new UsageTap(requestModel(body, req.get('content-type')));
          const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
          (req as ProxiedRequest).proxyPlan = {
            target: key.base_url,
            path: `/${p.path.map(encodeURIComponent).join('/')}${query}`,
            apiKeyHeaders: providerProfile(p.provider).authHeaders(key.api_key),
            body,
            tap,
            settle: (status, contentType) => {
              if (settled) return;
              settled = true;
              void charge(deps, req, lease.lease_id, p.provider, status < 400 ? tap.result(contentType) : undefined).finally(() =>
                release().catch((err: unknown) => req.ctx.log.warn({ err: (err as Error).message }, 'lease release failed; the sweeper will')),
              );
            },
          };
        } catch (err) {
          await release().catch(() => undefined);
          throw err;
        }
        await new Promise<void>((resolve) => {
          res.once('close', resolve);
          void proxy(req, res, (err?: unknown) => {
            if (err) req.ctx.log.warn({ err }, 'proxy middleware error');
            resolve();
          });
        });
        return undefined;
      },
    });
  }
}

function requestModel(body: Buffer, contentType: string | undefined): string | undefined {
  if (!contentType?.includes('json') || body.length === 0) return undefined;
  try {
    const model = (JSON.parse(body.toString('utf8')) as { model?: unknown }).model;
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined;
  }
}

/** Charges what the provider reported. No readable usage → nothing is charged, and it is logged. */
async function charge(
  deps: GatewayDeps,
  req: Request,
  leaseId: string,
  provider: string,
  usage: ReturnType<UsageTap['result']>,
): Promise<void> {
  if (!usage) {
    req.ctx.log.warn({ lease_id: leaseId, provider }, 'no usage in the provider response; nothing charged');
    return;
  }
  try {
    await deps.clients.budget.call.ReportUsage(
      {
        lease_id: leaseId,
        // Server-made, never the client's X-Request-Id: a reused id must not make a call free.
        request_id: `proxy:${randomUUID()}`,
        provider,
        model: usage.model,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
      },
      outgoing(req),
    );
  } catch (err) {
    req.ctx.log.error({ err: (err as Error).message, lease_id: leaseId, usage }, 'charging a proxied request failed');
  }
}
