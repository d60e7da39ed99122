import { randomUUID } from 'node:crypto';
import { findModelPrice, ServiceUnavailableError, type Logger, type ModelPrice } from '@tollgate/platform';
import type { Price__Output } from '@tollgate/proto/gen/tollgate/budget/v1/Price';
import type { Clients } from '../clients.js';
import { GATEWAY } from '../http/request-context.js';

/** { provider: { model: price } }: never changed once built, only replaced whole. */
type Table = ReadonlyMap<string, ReadonlyMap<string, Readonly<ModelPrice>>>;

function tableOf(items: Price__Output[]): Table {
  const table = new Map<string, Map<string, Readonly<ModelPrice>>>();
  for (const p of items) {
    let models = table.get(p.provider);
    if (!models) table.set(p.provider, (models = new Map<string, Readonly<ModelPrice>>()));
    models.set(
      p.model,
      Object.freeze({ input_per_million_micros: p.input_per_million_micros, output_per_million_micros: p.output_per_million_micros }),
    );
  }
  return table;
}

/**
 * The gateway's copy of the model price table (the budget service's, admins' changes
 * included), so a proxied call's worst case is priced here without a budget call on its
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
    const table = this.#table;
    if (!table) throw new ServiceUnavailableError('Model prices are not known yet, try again shortly');
    return findModelPrice(table.get(provider), model);
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
      this.#table = tableOf(res.items);
      this.#settle.resolve();
      if (this.#failing) this.log.info({ entries: res.items.length }, 'price table fetched again');
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
