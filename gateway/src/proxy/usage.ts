import type { ApiStyle } from '@tollgate/platform';

/** Token usage read from a provider's answer, to charge at the prices the call's hold was taken with. */
export interface Usage {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** A non-streamed answer larger than this is passed on without being read (its usage is then unknown). */
export const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;
/** One event of a stream larger than this stops the reading of that stream (its usage is then unknown). */
const MAX_EVENT_BYTES = 1024 * 1024;

const count = (v: unknown): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : 0);

/**
 * Usage as the provider bills it, never under-counted: Anthropic bills cache writes at 1.25×
 * and cache reads at 0.1× the input price; both are counted here as input (writes at 1.25×),
 * which is never below what is billed.
 */
function usageOf(style: ApiStyle, usage: Record<string, unknown>): { input: number; output: number } {
  if (style === 'anthropic') {
    return {
      input: count(usage.input_tokens) + Math.ceil(count(usage.cache_creation_input_tokens) * 1.25) + count(usage.cache_read_input_tokens),
      output: count(usage.output_tokens),
    };
  }
  return { input: count(usage.prompt_tokens ?? usage.input_tokens), output: count(usage.completion_tokens ?? usage.output_tokens) };
}

/**
 * Watches a provider's answer on its way to the client and reads the usage off it: from the
 * JSON body, or from a stream of Server-Sent Events (OpenAI's last chunk, the Responses API's
 * `response.completed`, Anthropic's `message_start` + cumulative `message_delta`). A stream is
 * passed on event by event, byte for byte — except the usage-only chunk the proxy asked for on
 * the client's behalf, which the client would not have got without Tollgate.
 */
export class AnswerTap {
  readonly #style: ApiStyle;
  readonly #stream: boolean;
  readonly #hideUsageChunk: boolean;
  #model: string;
  #input: number | undefined;
  #output: number | undefined;
  #pending: Buffer = Buffer.alloc(0);
  #captured: Buffer[] = [];
  #size = 0;
  #unreadable = false;
  readonly #answered: Usage | undefined;

  /** `answered`: the usage of any complete answer (a call priced per call), which is then passed on unread. */
  constructor(opts: {
    style: ApiStyle;
    stream: boolean;
    hideUsageChunk: boolean;
    model: string;
    answered?: { inputTokens: number; outputTokens: number };
  }) {
    this.#style = opts.style;
    this.#stream = opts.stream;
    this.#hideUsageChunk = opts.hideUsageChunk;
    this.#model = opts.model;
    this.#answered = opts.answered && { model: opts.model, ...opts.answered };
  }

  /** The bytes to pass on for this chunk of the answer. */
  push(chunk: Buffer): Buffer {
    if (this.#answered) return chunk;
    if (!this.#stream) {
      this.#size += chunk.length;
      if (this.#size > MAX_CAPTURE_BYTES) {
        this.#unreadable = true;
        this.#captured = [];
      } else this.#captured.push(chunk);
      return chunk;
    }
    if (this.#unreadable) return chunk;
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const out: Buffer[] = [];
    for (let end = eventEnd(this.#pending); end > 0; end = eventEnd(this.#pending)) {
      const event = this.#pending.subarray(0, end);
      this.#pending = this.#pending.subarray(end);
      if (!this.#readEvent(event.toString('utf8'))) out.push(event);
    }
    if (this.#pending.length > MAX_EVENT_BYTES) {
      // Not an event stream we can follow: pass the rest on as it comes; its usage is unknown.
      this.#unreadable = true;
      out.push(this.#pending);
      this.#pending = Buffer.alloc(0);
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  /** What is left once the answer ended (an event without its blank line). */
  end(): Buffer {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    if (this.#stream && !this.#unreadable && rest.length > 0 && this.#readEvent(rest.toString('utf8'))) return Buffer.alloc(0);
    return rest;
  }

  /** The usage, or undefined when the answer carried none that could be read. */
  usage(): Usage | undefined {
    if (this.#answered) return this.#answered;
    if (this.#unreadable) return undefined;
    if (!this.#stream) {
      try {
        this.#readObject(JSON.parse(Buffer.concat(this.#captured).toString('utf8')) as Record<string, unknown>);
      } catch {
        return undefined;
      }
    }
    if (this.#input === undefined && this.#output === undefined) return undefined;
    return { model: this.#model, inputTokens: this.#input ?? 0, outputTokens: this.#output ?? 0 };
  }

  /** Reads one event; true when it is the usage-only chunk to hide from the client. */
  #readEvent(event: string): boolean {
    let hide = false;
    for (const line of event.split(/\r?\n/)) {
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (!data || data === '[DONE]') continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(data) as Record<string, unknown>;
      } catch {
        continue;
      }
      this.#readObject(obj);
      if (this.#hideUsageChunk && obj.usage && Array.isArray(obj.choices) && obj.choices.length === 0) hide = true;
    }
    return hide;
  }

  #readObject(obj: Record<string, unknown>): void {
    // Anthropic's message_start carries the message; the Responses API's completion event the response.
    const inner = (obj.message ?? obj.response) as Record<string, unknown> | undefined;
    const usage = (obj.usage ?? inner?.usage) as Record<string, unknown> | undefined;
    const model = obj.model ?? inner?.model;
    if (typeof model === 'string' && model) this.#model = model;
    if (!usage || typeof usage !== 'object') return;
    const { input, output } = usageOf(this.#style, usage);
    // Input comes once; output is cumulative where it comes more than once: keep the largest seen.
    this.#input = Math.max(this.#input ?? 0, input);
    this.#output = Math.max(this.#output ?? 0, output);
  }
}

/** The end of the first complete event in `buf` (after its blank line), or 0. */
function eventEnd(buf: Buffer): number {
  const lf = buf.indexOf('\n\n');
  const crlf = buf.indexOf('\r\n\r\n');
  if (lf < 0 && crlf < 0) return 0;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf + 2;
}
