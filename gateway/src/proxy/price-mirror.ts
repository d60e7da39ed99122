import { randomUUID } from 'node:crypto';
import { findModelPrice, ServiceUnavailableError, type Logger, type ModelPrice } from '@tollgate/platform';
import type { ListPricesResponse__Output } from '@tollgate/proto/gen/tollgate/budget/v1/ListPricesResponse';
import type { Clients } from '../clients.js';
import { GATEWAY } from '../http/request-context.js';

/** { provider: { model: price } } and { provider: { path: µ$ per call } }: never changed once built, only replaced whole. */
interface Table {
  models: ReadonlyMap<string, ReadonlyMap<string, Readonly<ModelPrice>>>;
  calls: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** { provider: { key: value } } of [provider, key, value] entries. */
function byProvider<V>(entries: [string, string, V][]): Map<string, Map<string, V>> {
  const table = new Map<string, Map<string, V>>();
  for (const [provider, key, value] of entries) {
    let values = table.get(provider);
    if (!values) table.set(provider, (values = new Map<string, V>()));
    values.set(key, value);
  }
  return table;
}

function tableOf(res: ListPricesResponse__Output): Table {
  return {
    models: byProvider(
      res.items.map((p) => [
        p.provider,
        p.model,
        Object.freeze({ input_per_million_micros: p.input_per_million_micros, output_per_million_micros: p.output_per_million_micros }),
      ]),
    ),
    calls: byProvider(res.call_prices.map((p) => [p.provider, p.path, p.per_call_micros])),
  };
}

/**
 * The gateway's copy of the model price table and the prices per call (the budget service's,
 * admins' changes included), so a proxied call's worst case is priced here without a budget call on its
 * path. The whole table is fetched (ListPrices, as the gateway) every `refreshMs`, one
 * fetch at a time, and swapped in whole: a lookup sees one table, never half of two. A
 * fetch that fails keeps the last table (a warning once per outage, an info line when
 * fetches work again); before any table was fetched, lookups are 503. Models match by the
 * platform's rule (findModelPrice), the same as the budget service's.
 */
export class PriceMirror {
  #table: Table | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;
  /** A fetch has failed since the last one that worked (or since start). */
  #failing = false;
  /** The fetch under way (fetches go one at a time, so an older table never replaces a newer one). */
  #fetching: Promise<void> = Promise.resolve();
  readonly #loaded: Promise<void>;
  #settle!: { resolve(): void; reject(err: Error): void };

  constructor(
    private readonly clients: Clients,
    private readonly log: Logger,
    private readonly refreshMs: number,
  ) {
    this.#loaded = new Promise<void>((resolve, reject) => (this.#settle = { resolve, reject }));
    // Rejected only by stop() before a first table; that is the business of whoever awaits ready().
    this.#loaded.catch(() => undefined);
  }

  /** Fetches the table now, then every `refreshMs` after each fetch ends. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#poll();
  }

  /** No further fetches (one under way still lands); ready() rejects if no table was ever fetched. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#settle.reject(new ServiceUnavailableError('The price mirror was stopped before it fetched a price table'));
  }

  /**
   * Resolves once the first table is in. Rejects when stop() comes first, or, given
   * `timeoutMs`, when none came within it (ServiceUnavailableError) — the caller decides
   * whether to go on without (find() is 503 until a table comes) or to give up.
   */
  ready(timeoutMs?: number): Promise<void> {
    if (timeoutMs === undefined || this.#table) return this.#loaded;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ServiceUnavailableError(`No price table came from the budget service within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
    });
    return Promise.race([this.#loaded, timeout]).finally(() => clearTimeout(timer));
  }

  /** A table was fetched (calls can be priced, with the last table while fetches fail). */
  get loaded(): boolean {
    return this.#table !== undefined;
  }

  /** The price of a call's model, or undefined (not priced). Throws ServiceUnavailableError when no table was ever fetched. */
  find(provider: string, model: string): ModelPrice | undefined {
    return findModelPrice(this.#current().models.get(provider), model);
  }

  /** The price per call (µ$) of an endpoint of `provider`, or undefined (none set). Throws as find() does. */
  perCall(provider: string, path: string): number | undefined {
    return this.#current().calls.get(provider)?.get(path);
  }

  #current(): Table {
    if (!this.#table) throw new ServiceUnavailableError('Model prices are not known yet, try again shortly');
    return this.#table;
  }

  /** Fetches the table now, after any fetch under way (so that a change made through this gateway is priced with at once). */
  refresh(): Promise<void> {
    this.#fetching = this.#fetching.then(() => this.#fetch());
    return this.#fetching;
  }

  async #poll(): Promise<void> {
    await this.refresh();
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#poll(), this.refreshMs);
    this.#timer.unref();
  }

  async #fetch(): Promise<void> {
    try {
      const res = await this.clients.budget.call.ListPrices(
        { provider: '' },
        { principal: GATEWAY, requestId: `price-mirror-${randomUUID()}`, routine: true },
      );
      this.#table = tableOf(res);
      this.#settle.resolve();
      if (this.#failing) this.log.info({ entries: res.items.length + res.call_prices.length }, 'price table fetched again');
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) {
        this.log.warn(
          { err: (err as Error).message },
          this.#table
            ? 'price table not fetched; pricing with the last one until it is'
            : 'price table not fetched; calls that need a price are 503 until it is',
        );
      }
      this.#failing = true;
    }
  }
}
