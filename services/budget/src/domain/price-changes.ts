import { KeyedMutex, NotFoundError, ValidationError, type AuditEmitter, type Caller } from '@tollgate/platform';
import { formatUsd } from './money.js';
import { MAX_PRICE_MICROS, type ModelPrice, type PriceChange, type PriceEntry, type PriceTable } from './prices.js';
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
      input_per_million_micros: validPrice(input.inputPerMillionMicros, 'input_usd_per_million'),
      output_per_million_micros: validPrice(input.outputPerMillionMicros, 'output_usd_per_million'),
    };
    const { change, old } = await this.#record({ provider, model, price, by: caller.principal.id, at: this.#now() });
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
    const recorded = await this.#record({ provider, model, price: null, by: caller.principal.id, at: this.#now() });
    // A removal is only recorded over an entry (#record refuses the others).
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

  /** Records `change` right after every change this replica knows; returns its number and the entry it replaced. */
  #record(change: PriceChange): Promise<{ change: number; old: PriceEntry | undefined }> {
    return this.#serial.run(RESOURCE, async () => {
      for (;;) {
        await this.#catchUp();
        const old = this.deps.table.entry(change.provider, change.model);
        if (!change.price && !old) {
          const priced = this.deps.table.find(change.provider, change.model);
          throw new NotFoundError(
            priced
              ? `${change.provider}/${change.model} has no price of its own: it is priced as the model it is a dated snapshot of`
              : `${change.provider}/${change.model} has no price`,
          );
        }
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

function validPrice(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_PRICE_MICROS) {
    throw new ValidationError(`${field} must be from $0 to ${formatUsd(MAX_PRICE_MICROS)} per million tokens`, {
      [field]: `must be from 0 to ${MAX_PRICE_MICROS / 1e6} (USD per million tokens)`,
    });
  }
  return value;
}
