import { Counter } from 'prom-client';
import type { Request, Response } from 'express';
import {
  BudgetExhaustedError,
  isInternalHost,
  isTokenPriced,
  providerProfile,
  trimApiPath,
  ServiceUnavailableError,
  ValidationError,
  type ProviderProfile,
} from '@tollgate/platform';
import type { GatewayDeps } from '../deps.js';
import { GATEWAY, outgoing } from '../http/request-context.js';
import { perCallPlan, planCall, type CallPlan } from './endpoints.js';
import type { CallEnd, CallHold } from './escrows.js';
import { createForwarder, type Forwarding } from './forwarder.js';

/** A call allowed to go: what it asks for, and what it holds. */
export interface AdmittedCall {
  call: CallRequest;
  profile: ProviderProfile;
  plan: CallPlan;
  hold: CallHold;
}

/** One proxied call as the route received it. */
export interface CallRequest {
  agentId: string;
  provider: string;
  /** The provider API path, e.g. chat/completions. */
  path: string[];
  body: Buffer;
  contentType: string | undefined;
}

/**
 * The proxy's money path for one call, start to end: it holds its worst case in the agent's
 * escrow (proxy/escrows.ts) and takes its place within the agent's limits before anything is
 * sent; the stored key is injected; the answer goes back as it comes while its usage is read
 * (proxy/forwarder.ts); then the call is charged its priced usage — or the whole hold when
 * that cannot be known — off the response path.
 */
export class ProxyCalls {
  readonly #forward: ReturnType<typeof createForwarder>;

  readonly #budgetRefusals: Counter;

  constructor(private readonly deps: Pick<GatewayDeps, 'proxy' | 'audit' | 'config' | 'registry'>) {
    this.#forward = createForwarder({ timeoutMs: deps.config.PROXY_TIMEOUT_MS, allowPrivate: deps.config.OUTBOUND_ALLOW_PRIVATE });
    this.#budgetRefusals = new Counter({
      name: 'proxy_budget_refusals_total',
      help: 'Proxied calls refused 402 budget_exhausted: their hold did not fit what remains of the budget',
      registers: [deps.registry],
    });
  }

  /**
   * Before anything is sent: the call's plan (400 for an endpoint or model without a price),
   * its hold (402 when it cannot fit, audited) and its place among the agent's calls (429).
   */
  async admit(call: CallRequest): Promise<AdmittedCall> {
    const { escrows, limits, prices } = this.deps.proxy;
    const profile = providerProfile(call.provider);
    const path = trimApiPath(call.path.join('/'));
    const perCall = isTokenPriced(call.provider, path) ? undefined : prices.perCall(call.provider, path);
    const plan =
      perCall === undefined
        ? planCall(profile.style, path, call.body, call.contentType)
        : perCallPlan(profile.style, path, call.body, perCall);
    const price = plan.price ?? prices.find(call.provider, plan.model);
    if (!price) {
      throw new ValidationError(
        `No price is known for ${call.provider}/${plan.model}: it cannot be called through Tollgate`,
        { model: 'has no price' },
        'model_not_priced',
      );
    }
    const terms = {
      provider: call.provider,
      model: plan.model,
      prices: price,
      inputTokens: plan.inputTokens,
      maxOutputTokens: plan.maxOutputTokens,
    };
    const hold = await escrows.hold(call.agentId, terms).catch((err: unknown) => {
      // The refusal names what was asked for, for the client and for the audit log (refused).
      throw err instanceof BudgetExhaustedError
        ? new BudgetExhaustedError(err.message, { provider: call.provider, model: plan.model, ...err.details })
        : err;
    });
    try {
      // A place a call never gives back (its gateway died) frees itself after twice the provider timeout.
      await limits.begin(call.agentId, hold.id, hold.agent, this.deps.config.PROXY_TIMEOUT_MS * 2);
    } catch (err) {
      escrows.release(hold);
      throw err;
    }
    return { call, profile, plan, hold };
  }

  /** A call refused before anything was sent, within its caller's limits: a budget it could not fit is audited. */
  refused(err: unknown, agentId: string, req: Request): void {
    if (!(err instanceof BudgetExhaustedError)) return;
    this.#budgetRefusals.inc();
    this.deps.audit.emit(
      { action: 'budget.exhausted', outcome: 'denied', resource: { type: 'budget', id: agentId }, details: err.details },
      req.ctx,
    );
  }

  /** A call that is not sent after all (refused, or no key to send it with): its hold and its place go back, nothing is charged. */
  giveBack(hold: CallHold): void {
    this.deps.proxy.limits.end(hold.agentId, hold.id, 0);
    this.deps.proxy.escrows.release(hold);
  }

  /** Sends an admitted call with the provider's key, passes the answer on and ends the call with it. */
  async send({ call, profile, plan, hold }: AdmittedCall, req: Request, res: Response): Promise<void> {
    let forwarding: Forwarding;
    try {
      // Decrypting a key is for Tollgate services: the gateway asks on the agent's behalf.
      const key = await this.deps.proxy.keys.resolve(call.provider, call.agentId, outgoing(req, GATEWAY));
      const target = new URL(key.base_url);
      if (!this.deps.config.OUTBOUND_ALLOW_PRIVATE && isInternalHost(target.hostname)) {
        req.ctx.log.warn({ provider: call.provider, key_id: key.key_id }, 'the provider key points at an internal address; not sent');
        throw new ServiceUnavailableError('The provider key points at an address Tollgate does not send keys to');
      }
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      forwarding = {
        target,
        path: `/${call.path.map(encodeURIComponent).join('/')}${query}`,
        headers: profile.authHeaders(key.api_key),
        body: plan.withMaxOutput(hold.maxOutputTokens),
        plan,
        finish: this.#ender(hold, req.ctx.requestId),
      };
    } catch (err) {
      this.giveBack(hold);
      throw err;
    }
    await this.#forward(req, res, forwarding);
  }

  /** The one end of a call: its cost is charged from the escrow with the next sync, and its place freed. */
  #ender(hold: CallHold, requestId: string): Forwarding['finish'] {
    let ended: CallEnd | null = null;
    return (usage, reason) => {
      if (ended) return ended;
      ended = this.deps.proxy.escrows.settle(hold, usage, reason, requestId);
      this.deps.proxy.limits.end(hold.agentId, hold.id, usage ? usage.inputTokens + usage.outputTokens : 0);
      return ended;
    };
  }
}
