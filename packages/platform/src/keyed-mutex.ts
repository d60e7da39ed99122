/**
 * Serialises async work per key inside one process. FerretDB's findAndModify is not
 * atomic under concurrency, so updates that must not interleave on one document
 * (budget charges, the audit chain head) run one at a time per key here as well as
 * being conditional updates in the database.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
