import { randomUUID } from 'node:crypto';
import type { IntrospectResponse__Output } from '@tollgate/proto/gen/tollgate/token/v1/IntrospectResponse';
import type { Clients } from '../clients.js';
import { GATEWAY } from '../http/request-context.js';

/** The most tokens in one IntrospectMany (the token service's own limit). */
const MAX_BATCH = 1_000;

interface Ask {
  token: string;
  resolve(answer: IntrospectResponse__Output): void;
  reject(err: unknown): void;
}

/**
 * API-token introspections sent together, one IntrospectMany for many tokens: the gRPC call,
 * its assertion and the token service's turn of work are paid once per batch, not once per
 * token. A request waiting for its token is asked at the end of this turn of the event loop
 * (with every other ask queued by then); a background revalidation waits up to `refreshMs`
 * for company, so the tokens a busy gateway keeps fresh go a few calls a second, whatever
 * their number.
 */
export class IntrospectionBatch {
  #queue: Ask[] = [];
  #urgent = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clients: Clients,
    private readonly refreshMs: number,
  ) {}

  /** Introspects `token`: now (`waiting`: a request waits for it), or within `refreshMs`. */
  introspect(token: string, waiting: boolean): Promise<IntrospectResponse__Output> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ token, resolve, reject });
      if (waiting) this.hurry();
      else if (!this.#timer && !this.#urgent) {
        this.#timer = setTimeout(() => this.#flush(), this.refreshMs);
        this.#timer.unref();
      }
    });
  }

  /** Sends what is queued at the end of this turn of the event loop: a request waits for one of them. */
  hurry(): void {
    if (this.#urgent) return;
    this.#urgent = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#urgent = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      this.clients.token.call
        .IntrospectMany({ tokens: batch.map((a) => a.token) }, { principal: GATEWAY, requestId: `introspect-${randomUUID()}` })
        .then(
          (res) =>
            batch.forEach((a, i) =>
              res.results[i] ? a.resolve(res.results[i]) : a.reject(new Error('IntrospectMany answered fewer tokens than asked')),
            ),
          (err: unknown) => batch.forEach((a) => a.reject(err)),
        );
    }
  }
}
