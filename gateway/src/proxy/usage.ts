/** Token usage read from a provider's response, to price and charge. */
export interface Usage {
  model: string;
  inputTokens: number;
  outputTokens: number;
}

const MAX_CAPTURE_BYTES = 4 * 1024 * 1024;

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/** Reads usage out of one JSON object: OpenAI-style (prompt/completion) or Anthropic-style (input/output). */
function fromObject(obj: Record<string, unknown>, into: Partial<Usage>): void {
  const message = obj.message as Record<string, unknown> | undefined; // Anthropic message_start
  const usage = (obj.usage ?? message?.usage) as Record<string, unknown> | undefined;
  const model = obj.model ?? message?.model;
  if (typeof model === 'string' && model) into.model = model;
  if (!usage || typeof usage !== 'object') return;
  const input = count(usage.prompt_tokens ?? usage.input_tokens);
  const output = count(usage.completion_tokens ?? usage.output_tokens);
  // Streams report input once (message_start) and output cumulatively: keep the largest seen.
  into.inputTokens = Math.max(into.inputTokens ?? 0, input);
  into.outputTokens = Math.max(into.outputTokens ?? 0, output);
}

/**
 * Collects a response body as it streams past (without delaying it) and extracts usage at
 * the end, from a JSON body or from Server-Sent Events (`data: {...}` lines).
 */
export class UsageTap {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;

  constructor(private readonly requestModel: string | undefined) {}

  write(chunk: Buffer): void {
    if (this.overflow) return;
    this.size += chunk.length;
    if (this.size > MAX_CAPTURE_BYTES) {
      this.overflow = true;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }

  /** The usage, or undefined when the response carried none we could read. */
  result(contentType: string | undefined): Usage | undefined {
    if (this.overflow) return undefined;
    const text = Buffer.concat(this.chunks).toString('utf8');
    const found: Partial<Usage> = {};
    if ((contentType ?? '').includes('text/event-stream')) {
      for (const line of text.split(/\r?\n/)) {
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (!data || data === '[DONE]') continue;
        try {
          fromObject(JSON.parse(data) as Record<string, unknown>, found);
        } catch {
          // a non-JSON event carries no usage
        }
      }
    } else {
      try {
        fromObject(JSON.parse(text) as Record<string, unknown>, found);
      } catch {
        return undefined;
      }
    }
    if (found.inputTokens === undefined && found.outputTokens === undefined) return undefined;
    return {
      model: found.model ?? this.requestModel ?? 'unknown',
      inputTokens: found.inputTokens ?? 0,
      outputTokens: found.outputTokens ?? 0,
    };
  }
}
