import test from 'ava';
import type { ApiStyle } from '@tollgate/platform';
import { AnswerTap } from '../src/proxy/usage.js';

/** Feeds the answer split mid-event, as a network stream would; returns what the client got and the usage. */
function through(text: string, opts: { style?: ApiStyle; stream?: boolean; hideUsageChunk?: boolean; model?: string } = {}) {
  const tap = new AnswerTap({
    style: opts.style ?? 'openai',
    stream: opts.stream ?? false,
    hideUsageChunk: opts.hideUsageChunk ?? false,
    model: opts.model ?? 'requested',
  });
  const out = [tap.push(Buffer.from(text.slice(0, 17))), tap.push(Buffer.from(text.slice(17))), tap.end()];
  return { passed: Buffer.concat(out).toString('utf8'), usage: tap.usage() };
}

test('when an OpenAI JSON answer carries usage, then prompt and completion tokens are read', (t) => {
  const { usage, passed } = through(JSON.stringify({ model: 'gpt-4o', usage: { prompt_tokens: 12, completion_tokens: 34 } }));
  t.deepEqual(usage, { model: 'gpt-4o', inputTokens: 12, outputTokens: 34 });
  t.is(passed, JSON.stringify({ model: 'gpt-4o', usage: { prompt_tokens: 12, completion_tokens: 34 } }));
});

test('when an Anthropic stream reports input at the start and output at the end, then both are read, cache writes at 1.25×', (t) => {
  const sse = [
    'event: message_start',
    'data: {"type":"message_start","message":{"model":"claude-3-5-sonnet","usage":{"input_tokens":25,"cache_creation_input_tokens":8,"cache_read_input_tokens":3,"output_tokens":1}}}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","delta":{"text":"Hi"}}',
    '',
    'event: message_delta',
    'data: {"type":"message_delta","usage":{"output_tokens":15}}',
    '',
    '',
  ].join('\n');
  const { usage, passed } = through(sse, { style: 'anthropic', stream: true });
  t.deepEqual(usage, { model: 'claude-3-5-sonnet', inputTokens: 25 + 10 + 3, outputTokens: 15 });
  t.is(passed, sse, 'passed on byte for byte');
});

test('when an OpenAI stream carries the usage chunk the proxy asked for, then the client does not get it', (t) => {
  const events = [
    'data: {"id":"c","choices":[{"delta":{"content":"Hi"}}]}',
    'data: {"id":"c","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}}',
    'data: [DONE]',
  ];
  const sse = `${events.join('\n\n')}\n\n`;
  const hidden = through(sse, { stream: true, hideUsageChunk: true });
  t.is(hidden.passed, `${events[0]}\n\n${events[2]}\n\n`);
  t.deepEqual(hidden.usage, { model: 'gpt-4o', inputTokens: 9, outputTokens: 2 });
  t.is(through(sse, { stream: true }).passed, sse, 'a client that asked for it gets it');
});

test('when the Responses API completes, then the usage of response.completed is read', (t) => {
  const sse =
    'event: response.completed\ndata: {"type":"response.completed","response":{"model":"gpt-4.1","usage":{"input_tokens":7,"output_tokens":11}}}\n\n';
  t.deepEqual(through(sse, { stream: true }).usage, { model: 'gpt-4.1', inputTokens: 7, outputTokens: 11 });
});

test('when an answer has no usage or is not JSON, then there is nothing to read', (t) => {
  t.is(through('{"model":"gpt-4o","choices":[]}').usage, undefined);
  t.is(through('<html>oops</html>').usage, undefined);
  t.is(through('data: {"choices":[]}\n\n', { stream: true }).usage, undefined);
});

test('when usage has no model, then the requested model is used', (t) => {
  t.deepEqual(through('{"usage":{"input_tokens":1,"output_tokens":2}}', { model: 'claude-3-haiku' }).usage, {
    model: 'claude-3-haiku',
    inputTokens: 1,
    outputTokens: 2,
  });
});
