import {
  isTokenPriced,
  KeyedMutex,
  NotFoundError,
  validApiPath,
  ValidationError,
  type AuditEmitter,
  type Caller,
} from '@tollgate/platform';
import { formatUsd } from './money.js';
import { MAX_PRICE_MICROS, type CallPriceEntry, type ModelPrice, type PriceChange, type PriceEntry, type PriceTable } from './prices.js';
import { validModel, validProvider } from './rules.js';

/** Admins' price changes, numbered 1, 2, 3, … in the order every replica applies them. */
export interface PriceChangeLog {
  /** The number of the latest change (0: none yet). */
  last(): Promise<number>;
  /** Records change `n`; false when another replica recorded its own change `n` first. */
  insert(n: number, change: PriceChange): Promise<boolean>;
  /** Changes `from` to `to`, in order. */
  read(from: number, to: number): Promise<PriceChange[]>;
}

export interface PriceChangesDeps {
  table: PriceTable;
  log: PriceChangeLog;
  audit: AuditEmitter;
  /** How often changes made on other replicas are looked for. */
  syncMs: number;
  logger: { warn(obj: object, msg: string): void };
  now?: () => Date;
}

const RESOURCE = 'price';
/** The highest price per call: $1,000. */
export const MAX_CALL_PRICE_MICROS = 1e9;

/**
 * Admins' changes of the price table, on top of the shipped one. Each change is an entry of
 * an append-only log numbered 1, 2, 3, …, and the table every replica prices with is the
 * shipped one with the log applied in order. The commit point is the entry's unique insert:
 * a change is recorded as number n+1 only by a replica that has applied 1…n, and of two
 * replicas racing for n+1 one inserts it while the other catches up (applying the winner's
 * change) and takes n+2 — so concurrent changes are all kept, in one order, and each one's
 * old price in its audit event is exactly what it replaced. Every replica looks for the
 * next number every `syncMs` (one key lookup when nothing changed), so a change prices
 * holds everywhere within about that long; the replica that made it uses it at once.
 */
export class PriceChanges {
  readonly #now: () => Date;
  /** Changes are applied to the table one at a time, in log order (within this process). */
  readonly #serial = new KeyedMutex();
  /** The number of the last change applied to the table. */
  #applied = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(private readonly deps: PriceChangesDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** Applies every change recorded so far (start-up fails if it cannot), then follows the log. */
  async start(): Promise<void> {
    await this.#sync();
    this.#schedule();
  }

  /** Stops following the log, once what is under way has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#serial.run(RESOURCE, async () => undefined);
  }

  /** Applies the changes recorded since the last one applied. */
  #sync(): Promise<void> {
    return this.#serial.run(RESOURCE, () => this.#catchUp());
  }

  /** Every entry (only `provider`'s when one is given). */
  list(provider: string): PriceEntry[] {
    return this.deps.table.list(provider ? validProvider(provider) : undefined);
  }

  async set(
    input: { provider: string; model: string; inputPerMillionMicros: number; outputPerMillionMicros: number },
    caller: Caller,
  ): Promise<PriceEntry> {
    const provider = validProvider(input.provider);
    const model = validModel(input.model);
    const price: ModelPrice = {
      input_per_million_micros: validPrice(input.inputPerMillionMicros, 'input_usd_per_million', MAX_PRICE_MICROS, PER_MILLION),
      output_per_million_micros: validPrice(input.outputPerMillionMicros, 'output_usd_per_million', MAX_PRICE_MICROS, PER_MILLION),
    };
    const { change, old } = await this.#record({ provider, model, price, by: caller.principal.id, at: this.#now() }, () =>
      this.deps.table.entry(provider, model),
    );
    await this.deps.audit.emit(
      {
        action: 'price.set',
        resource: { type: RESOURCE, id: `${provider}/${model}` },
        details: { provider, model, old: old?.price ?? null, new: price, change },
      },
      caller,
    );
    return { provider, model, price, source: 'admin' };
  }

  async remove(input: { provider: string; model: string }, caller: Caller): Promise<PriceEntry> {
    const provider = validProvider(input.provider);
    const model = validModel(input.model);
    const recorded = await this.#record({ provider, model, price: null, by: caller.principal.id, at: this.#now() }, () => {
      const entry = this.deps.table.entry(provider, model);
      if (entry) return entry;
      throw new NotFoundError(
        this.deps.table.find(provider, model)
          ? `${provider}/${model} has no price of its own: it is priced as the model it is a dated snapshot of`
          : `${provider}/${model} has no price`,
      );
    });
    // A removal is only recorded over an entry (its lookup refuses the others).
    const old = recorded.old!;
    await this.deps.audit.emit(
      {
        action: 'price.removed',
        resource: { type: RESOURCE, id: `${provider}/${model}` },
        details: { provider, model, old: old.price, new: null, change: recorded.change },
      },
      caller,
    );
    return old;
  }

  /** Every price per call (only `provider`'s when one is given). */
  listCalls(provider: string): CallPriceEntry[] {
    return this.deps.table.listCalls(provider ? validProvider(provider) : undefined);
  }

  async setCallPrice(input: CallPriceEntry, caller: Caller): Promise<CallPriceEntry> {
    const { provider, path } = validCallPath(input);
    const perCallMicros = validPrice(input.perCallMicros, 'usd_per_call', MAX_CALL_PRICE_MICROS, 'per call');
    const { change, old } = await this.#record({ provider, path, perCallMicros, by: caller.principal.id, at: this.#now() }, () =>
      this.deps.table.callPrice(provider, path),
    );
    await this.#callPriceAudited('call_price.set', { provider, path, old, new: perCallMicros, change }, caller);
    return { provider, path, perCallMicros };
  }

  async removeCallPrice(input: { provider: string; path: string }, caller: Caller): Promise<CallPriceEntry> {
    const { provider, path } = validCallPath(input);
    const { change, old } = await this.#record({ provider, path, perCallMicros: null, by: caller.principal.id, at: this.#now() }, () => {
      const price = this.deps.table.callPrice(provider, path);
      if (price === undefined) throw new NotFoundError(`${provider}/${path} has no price per call`);
      return price;
    });
    await this.#callPriceAudited('call_price.removed', { provider, path, old, new: null, change }, caller);
    return { provider, path, perCallMicros: old! };
  }

  #callPriceAudited(
    action: string,
    d: { provider: string; path: string; old: number | undefined; new: number | null; change: number },
    caller: Caller,
  ): Promise<void> {
    return this.deps.audit.emit(
      {
        action,
        resource: { type: 'call_price', id: `${d.provider}/${d.path}` },
        details: { provider: d.provider, path: d.path, old_micros: d.old ?? null, new_micros: d.new, change: d.change },
      },
      caller,
    );
  }

  /**
   * Records `change` right after every change this replica knows; returns its number and what it
   * replaced (`current`, read after catching up, may refuse the change by throwing).
   */
  #record<T>(change: PriceChange, current: () => T | undefined): Promise<{ change: number; old: T | undefined }> {
    return this.#serial.run(RESOURCE, async () => {
      for (;;) {
        await this.#catchUp();
        const old = current();
        if (await this.deps.log.insert(this.#applied + 1, change)) {
          this.deps.table.apply(change);
          this.#applied++;
          return { change: this.#applied, old };
        }
      }
    });
  }

  async #catchUp(): Promise<void> {
    const last = await this.deps.log.last();
    if (last === this.#applied) return;
    for (const change of await this.deps.log.read(this.#applied + 1, last)) this.deps.table.apply(change);
    this.#applied = last;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#sync()
        .catch((err: unknown) => this.deps.logger.warn({ err: (err as Error).message }, 'price changes not followed, will retry'))
        .finally(() => this.#schedule());
    }, this.deps.syncMs);
    this.#timer.unref();
  }
}

/** An endpoint a price per call can be set for: not one Tollgate prices by tokens. */
function validCallPath(input: { provider: string; path: string }): { provider: string; path: string } {
  const provider = validProvider(input.provider);
  const path = validApiPath(input.path);
  if (isTokenPriced(provider, path)) {
    throw new ValidationError(`${provider}/${path} is priced by its tokens, with the model prices`, {
      path: "is priced by tokens: set its models' prices instead",
    });
  }
  return { provider, path };
}

const PER_MILLION = 'per million tokens';

/** A price in micro-dollars `unit` (per million tokens, per call), from 0 to `max`. */
function validPrice(value: number, field: string, max: number, unit: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new ValidationError(`${field} must be from $0 to ${formatUsd(max)} ${unit}`, {
      [field]: `must be from 0 to ${max / 1e6} (USD ${unit})`,
    });
  }
  return value;
}
