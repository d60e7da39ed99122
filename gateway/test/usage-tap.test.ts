import test from 'ava';
import { UsageTap } from '../src/proxy/usage.js';

const tapOf = (text: string, model?: string) => {
  const tap = new UsageTap(model);
  // split mid-event, as a network stream would
  tap.write(Buffer.from(text.slice(0, 17)));
  tap.write(Buffer.from(text.slice(17)));
  return tap;
};

test('when an OpenAI JSON answer carries usage, then prompt and completion tokens are read', (t) => {
  const tap = tapOf(JSON.stringify({ model: 'gpt-4o', usage: { prompt_tokens: 12, completion_tokens: 34 } }));
  t.deepEqual(tap.result('application/json'), { model: 'gpt-4o', inputTokens: 12, outputTokens: 34 });
});

test('when an Anthropic stream reports input at the start and output at the end, then both are read', (t) => {
  const sse = [
    'event: message_start',
    'data: {"type":"message_start","message":{"model":"claude-3-5-sonnet","usage":{"input_tokens":25,"output_tokens":1}}}',
    '',
    'event: content_block_delta',
    'data: {"type":"content_block_delta","delta":{"text":"Hi"}}',
    '',
    'event: message_delta',
    'data: {"type":"message_delta","usage":{"output_tokens":15}}',
    '',
  ].join('\n');
  t.deepEqual(tapOf(sse).result('text/event-stream; charset=utf-8'), { model: 'claude-3-5-sonnet', inputTokens: 25, outputTokens: 15 });
});

test('when a response has no usage or is not JSON, then there is nothing to charge', (t) => {
  t.is(tapOf('{"model":"gpt-4o","choices":[]}').result('application/json'), undefined);
  t.is(tapOf('<html>oops</html>').result('text/html'), undefined);
});

test('when usage has no model, then the requested model is used', (t) => {
  t.deepEqual(tapOf('{"usage":{"input_tokens":1,"output_tokens":2}}', 'claude-3-haiku').result('application/json'), {
    model: 'claude-3-haiku',
    inputTokens: 1,
    outputTokens: 2,
  });
});
