import { z } from 'zod';
import { PROVIDER_NAME, PROVIDER_NAME_RULE } from '@tollgate/platform';
import { ProxyCalls } from '../proxy/calls.js';
import type { GatewayDeps } from '../deps.js';
import type { Method, RouteDefiner } from './define.js';

const params = z.object({
  provider: z.string().regex(PROVIDER_NAME, PROVIDER_NAME_RULE),
  path: z.array(z.string().max(256)).max(32),
});

/**
 * ANY /v1/proxy/{provider}/{path…}: an agent reaches an LLM provider without ever seeing its
 * key, and never beyond its budget (proxy/calls.ts: the call's hold and place are taken as its
 * admission, with the caller's rate limits; then it is sent, answered and charged).
 */
export function registerProxyRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const calls = new ProxyCalls(deps);

  const methods: Method[] = ['get', 'post', 'put', 'patch', 'delete'];
  for (const method of methods) {
    route({
      method,
      path: '/v1/proxy/{provider}/{path+}',
      tag: 'Proxy',
      summary: `${method.toUpperCase()} to an LLM provider through the agent's budget`,
      description:
        "Forwards the request to the provider's base URL with the stored provider key injected (the client never sees it) and " +
        'streams the answer back (SSE included). Before anything is sent the call holds its own worst case on the budget: the ' +
        "request body's bytes as input tokens (never fewer than the provider bills) plus its output bound (`max_tokens`, " +
        '`max_completion_tokens` or `max_output_tokens`; when absent the proxy sets the largest that fits what remains, at most ' +
        "the service's default), priced from the model price table. The hold is taken in the agent's escrow in this gateway (money " +
        'it set aside from the budget, atomically, so holds on every gateway together never pass the limit): no round trip to ' +
        'the budget service unless the escrow must grow. 402 budget_exhausted when it cannot fit, 429 when the agent ' +
        'is at its limit on calls in flight or tokens per minute, 400 model_not_priced for a model without a price and ' +
        '400 endpoint_not_priced for a path other than chat/completions, completions, embeddings, responses (OpenAI style) or ' +
        'v1/messages (Anthropic) — unless an admin set a price per call for it (`PUT /v1/call-prices/{provider}/{path}`): such a ' +
        'call is sent as it came, holds that price, and is charged it once answered. The call is then settled to its priced usage; when the usage cannot be known (none in the ' +
        'answer, the answer cut off, the client gone mid-stream, the provider stopping after the request was sent) the whole ' +
        'hold is charged. A provider error status or a provider never reached releases the hold. Charges reach the ledger ' +
        'within about ESCROW_SYNC_MS; a gateway that dies has its escrows charged whole when they expire. Non-stream answers carry ' +
        'X-Tollgate-Cost-Usd and X-Tollgate-Remaining-Usd; streams end with an SSE comment line `: tollgate cost_usd=… ' +
        'remaining_usd=…`. An OpenAI-style stream that did not ask for usage is sent exactly as without Tollgate (the usage ' +
        'chunk the proxy asks for is not passed on). Provider 429s pass through with their Retry-After; an unreachable provider ' +
        'is 503, one that stops answering 504.',
      auth: 'any',
      callers: { agents: { scope: 'proxy:invoke' } },
      params,
      openapiParams: z.object({ provider: z.string(), path: z.string().describe('the provider API path, e.g. chat/completions') }),
      errors: [402, 404, 504],
      raw: true,
      // The call's hold and its place among the agent's calls are taken alongside the caller's rate limits (one Redis write).
      admit: {
        run: ({ params: p, principal }, req) =>
          calls.admit({
            agentId: principal.id,
            provider: p.provider,
            path: p.path,
            body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            contentType: req.get('content-type'),
          }),
        undo: ({ hold }) => calls.giveBack(hold),
        refused: (err, { principal }, req) => calls.refused(err, principal.id, req),
      },
      handler: async ({ admitted }, req, res) => {
        await calls.send(admitted, req, res);
        return undefined;
      },
    });
  }
}
