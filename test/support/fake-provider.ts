import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { priceOf } from '@tollgate/platform';

/**
 * A stand-in LLM provider on loopback (a third party, so tests may fake it): it speaks the
 * OpenAI and Anthropic APIs the proxy prices, and it knows what each call really costs — its
 * input tokens (a quarter of the prompt's characters, at least 1) and its output tokens (the
 * answer's words, at most the request's bound) — so tests can check that the provider was
 * never paid more than the budget, and that each call was charged what it cost.
 */
export interface FakeCall {
  path: string;
  authorization: string | undefined;
  apiKey: string | undefined;
  /** Every header the call came with. */
  headers: Record<string, string | string[] | undefined>;
  /** The request body as parsed JSON ({} when it is not JSON), and as it came. */
  body: Record<string, unknown>;
  raw: Buffer;
  contentType: string | undefined;
  inputTokens: number;
  outputTokens: number;
  /** What the provider bills for it, at the given prices (micro-dollars per million tokens). */
  costMicros: number;
  /** The call was answered in full (false while it is under way, and for good once cut off or left by its client). */
  completed: boolean;
  /** The caller's end of the TCP connection the call came on (host:port). */
  connection: string;
}

export interface FakeBehaviour {
  /** Words in every answer (the output, before the request's bound). */
  answerWords: number;
  /** Milliseconds before answering. */
  delayMs: number;
  /** Answer with this status and body instead (e.g. 429 with Retry-After). */
  fail?: { status: number; headers?: Record<string, string>; body: unknown };
  /** Never answer at all. */
  hang?: boolean;
  /** Streams: stop after this many content chunks, destroying the connection. */
  cutAfterChunks?: number;
  /** Answers carry no usage at all. */
  noUsage?: boolean;
  /** Milliseconds between stream chunks. */
  chunkDelayMs: number;
}

export interface FakeProviderOptions {
  /** Called once for each call answered in full: what the provider bills. */
  onBilled?: (call: FakeCall) => void;
  /**
   * Keep every call in `calls` (the default, for tests to inspect). A benchmark's provider keeps
   * none: its memory would grow with every call, and its collections with it. Without them,
   * `calls` stays empty and `billedMicros()` 0: count with `onBilled` instead.
   */
  keepCalls?: boolean;
}

export interface FakeProvider {
  url: string;
  calls: FakeCall[];
  behaviour: FakeBehaviour;
  /** What every completed call cost together. */
  billedMicros(): number;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULTS: FakeBehaviour = { answerWords: 20, delayMs: 0, chunkDelayMs: 0 };

function promptText(body: Record<string, unknown>): string {
  const parts: string[] = [];
  const collect = (v: unknown) => {
    if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
  };
  collect(body.messages ?? body.prompt ?? body.input ?? body.system ?? '');
  return parts.join(' ');
}

export async function startFakeProvider(
  prices: (model: string) => { input: number; output: number },
  options: FakeProviderOptions = {},
): Promise<FakeProvider> {
  const calls: FakeCall[] = [];
  const billed = (call: FakeCall) => {
    call.completed = true;
    options.onBilled?.(call);
  };
  const provider: FakeProvider = {
    url: '',
    calls,
    behaviour: { ...DEFAULTS },
    billedMicros: () => calls.filter((c) => c.completed).reduce((sum, c) => sum + c.costMicros, 0),
    reset() {
      calls.length = 0;
      provider.behaviour = { ...DEFAULTS };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = provider.behaviour;
      if (b.hang) return;
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // Not JSON (an upload to an endpoint priced per call): kept as it came.
      }
      const path = (req.url ?? '').split('?')[0];
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the model as the client sent it, whatever its type
      const model = String(body.model ?? '');
      const anthropic = path.endsWith('/messages');
      const embedding = path.endsWith('/embeddings');
      const bound = Number(body.max_completion_tokens ?? body.max_tokens ?? body.max_output_tokens ?? Infinity);
      const inputTokens = Math.max(1, Math.ceil(promptText(body).length / 4));
      const outputTokens = embedding ? 0 : Math.min(b.answerWords, bound);
      const price = prices(model);
      // Rounded up to a micro-dollar, as Tollgate prices it.
      const costMicros = priceOf(
        { input_per_million_micros: price.input, output_per_million_micros: price.output },
        inputTokens,
        outputTokens,
      );
      const call: FakeCall = {
        path,
        authorization: req.headers.authorization,
        apiKey: req.headers['x-api-key'] as string | undefined,
        headers: req.headers,
        body,
        raw,
        contentType: req.headers['content-type'],
        inputTokens,
        outputTokens,
        costMicros,
        completed: false,
        connection: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      };
      if (options.keepCalls !== false) calls.push(call);
      res.on('close', () => undefined);
      setTimeout(() => {
        if (b.fail) {
          res.writeHead(b.fail.status, { 'content-type': 'application/json', ...b.fail.headers });
          res.end(JSON.stringify(b.fail.body));
          return;
        }
        const words = Array.from({ length: outputTokens }, (_, i) => `w${i}`);
        const openaiUsage = { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
        if (body.stream === true) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const events: string[] = [];
          if (anthropic) {
            events.push(
              `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { model, usage: b.noUsage ? undefined : { input_tokens: inputTokens, output_tokens: 1 } } })}`,
            );
            for (const w of words)
              events.push(
                `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', delta: { type: 'text_delta', text: `${w} ` } })}`,
              );
            events.push(
              `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', usage: b.noUsage ? undefined : { output_tokens: outputTokens } })}`,
            );
            events.push(`event: message_stop\ndata: {"type":"message_stop"}`);
          } else {
            for (const w of words)
              events.push(`data: ${JSON.stringify({ id: 'c', model, choices: [{ index: 0, delta: { content: `${w} ` } }] })}`);
            const options = body.stream_options as { include_usage?: boolean } | undefined;
            if (options?.include_usage && !b.noUsage)
              events.push(`data: ${JSON.stringify({ id: 'c', model, choices: [], usage: openaiUsage })}`);
            events.push('data: [DONE]');
          }
          let sent = 0;
          const next = () => {
            if (b.cutAfterChunks !== undefined && sent >= b.cutAfterChunks) {
              res.destroy();
              return;
            }
            if (sent === events.length) {
              billed(call);
              res.end();
              return;
            }
            res.write(`${events[sent++]}\n\n`);
            if (b.chunkDelayMs > 0) setTimeout(next, b.chunkDelayMs);
            else setImmediate(next);
          };
          res.on('close', () => {
            if (!call.completed && sent > 0 && sent === events.length) billed(call);
          });
          next();
          return;
        }
        let answer: unknown;
        if (anthropic)
          answer = {
            model,
            content: [{ type: 'text', text: words.join(' ') }],
            usage: b.noUsage ? undefined : { input_tokens: inputTokens, output_tokens: outputTokens },
          };
        else if (embedding)
          answer = {
            model,
            data: [{ embedding: [0.1, 0.2] }],
            usage: b.noUsage ? undefined : { prompt_tokens: inputTokens, total_tokens: inputTokens },
          };
        else if (path.endsWith('/responses'))
          answer = {
            model,
            output: [{ content: [{ text: words.join(' ') }] }],
            usage: b.noUsage ? undefined : { input_tokens: inputTokens, output_tokens: outputTokens },
          };
        else
          answer = {
            model,
            choices: [{ message: { role: 'assistant', content: words.join(' ') } }],
            usage: b.noUsage ? undefined : openaiUsage,
          };
        billed(call);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      }, b.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return provider;
}
