import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import type { CliContext, ContextOf } from '../context.js';
import { UsageError } from '../errors.js';
import { usdAmount } from '../options.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';

/** A model's price as the gateway shows it: USD per million tokens. */
interface Price {
  provider: string;
  model: string;
  input_usd_per_million: number;
  output_usd_per_million: number;
  source: string;
}

/** The URL of a model's price; names may hold `.`, `:` and `/`, so both parts are encoded. */
const path = (provider: string, model: string) => `/v1/prices/${encodeURIComponent(provider)}/${encodeURIComponent(model)}`;

const perMillion = (p: Price) => `$${p.input_usd_per_million} in / $${p.output_usd_per_million} out per million tokens`;

async function list(ctx: CliContext, opts: { provider?: string }): Promise<void> {
  const r = await (await ctx.client()).call<{ items: Price[] }>('GET', '/v1/prices', { query: { provider: opts.provider } });
  ctx.out.result(r, () => {
    if (r.items.length === 0) {
      ctx.out.line('No prices.');
      return;
    }
    ctx.out.table(r.items, [
      { header: 'PROVIDER', value: (p) => p.provider },
      { header: 'MODEL', value: (p) => p.model },
      { header: 'INPUT $/M', value: (p) => String(p.input_usd_per_million) },
      { header: 'OUTPUT $/M', value: (p) => String(p.output_usd_per_million) },
      { header: 'SOURCE', value: (p) => p.source },
    ]);
  });
}

async function set(ctx: CliContext, provider: string, model: string, opts: { input: string; output: string }): Promise<void> {
  const body = { input_usd_per_million: usdAmount(opts.input, '--input'), output_usd_per_million: usdAmount(opts.output, '--output') };
  const p = await (await ctx.client()).call<Price>('PUT', path(provider, model), { body });
  ctx.out.result(p, () => ctx.out.line(`${p.provider}/${p.model}: ${perMillion(p)}.`));
}

/**
 * Removes a price, after asking unless --yes. `describe` says what is about to go (undefined: it
 * has no price of its own, left to the gateway's 404).
 */
async function removeAsked(
  ctx: CliContext,
  what: string,
  url: string,
  result: Record<string, unknown>,
  opts: { yes?: boolean },
  describe: (client: ApiClient) => Promise<string | undefined>,
): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to remove the price of ${what} without confirmation: stdin is not a terminal — pass --yes to remove it`);
  }
  const client = await ctx.client();
  if (!opts.yes) {
    const current = await describe(client);
    if (current) {
      ctx.out.note(`The price of ${what} (${current}) will be removed: calls of it will be refused.`);
      if (!(await confirm('Are you sure?'))) {
        ctx.out.result({ ...result, removed: false }, () => ctx.out.line('Not removed.'));
        return;
      }
    }
  }
  await client.call('DELETE', url);
  ctx.out.result({ ...result, removed: true }, () => ctx.out.line(`Price of ${what} removed.`));
}

function remove(ctx: CliContext, provider: string, model: string, opts: { yes?: boolean }): Promise<void> {
  return removeAsked(ctx, `${provider}/${model}`, path(provider, model), { provider, model }, opts, async (client) => {
    const { items } = await client.call<{ items: Price[] }>('GET', '/v1/prices', { query: { provider } });
    const current = items.find((p) => p.model === model);
    return current && `${perMillion(current)}, ${current.source}`;
  });
}

/** An endpoint's price per call as the gateway shows it. */
interface CallPrice {
  provider: string;
  path: string;
  usd_per_call: number;
}

const trimSlashes = (apiPath: string) => apiPath.replace(/^\/+|\/+$/g, '');

/** The URL of an endpoint's price per call: the API path goes as it is, slashes and all. */
const callPath = (provider: string, apiPath: string) =>
  `/v1/call-prices/${encodeURIComponent(provider)}/${trimSlashes(apiPath).split('/').map(encodeURIComponent).join('/')}`;

async function listCalls(ctx: CliContext, opts: { provider?: string }): Promise<void> {
  const r = await (await ctx.client()).call<{ items: CallPrice[] }>('GET', '/v1/call-prices', { query: { provider: opts.provider } });
  ctx.out.result(r, () => {
    if (r.items.length === 0) {
      ctx.out.line('No prices per call.');
      return;
    }
    ctx.out.table(r.items, [
      { header: 'PROVIDER', value: (p) => p.provider },
      { header: 'PATH', value: (p) => p.path },
      { header: '$/CALL', value: (p) => String(p.usd_per_call) },
    ]);
  });
}

async function setCall(ctx: CliContext, provider: string, apiPath: string, opts: { usd: string }): Promise<void> {
  const p = await (
    await ctx.client()
  ).call<CallPrice>('PUT', callPath(provider, apiPath), { body: { usd_per_call: usdAmount(opts.usd, '--usd') } });
  ctx.out.result(p, () => ctx.out.line(`${p.provider}/${p.path}: $${p.usd_per_call} per call.`));
}

function removeCall(ctx: CliContext, provider: string, apiPath: string, opts: { yes?: boolean }): Promise<void> {
  return removeAsked(ctx, `${provider}/${apiPath}`, callPath(provider, apiPath), { provider, path: apiPath }, opts, async (client) => {
    const { items } = await client.call<{ items: CallPrice[] }>('GET', '/v1/call-prices', { query: { provider } });
    const current = items.find((p) => p.path === trimSlashes(apiPath));
    return current && `$${current.usd_per_call} per call`;
  });
}

export function registerPriceCommands(program: Command, contextOf: ContextOf): void {
  const price = program
    .command('price')
    .description('model prices (the shipped table and admins’ changes on top of it) and prices per call');

  calls(price.command('list'), 'GET /v1/prices')
    .description('list model prices (USD per million tokens) and where each comes from')
    .option('--provider <provider>', 'only this provider’s')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(price.command('set'), 'PUT /v1/prices/{provider}/{model}')
    .description('set a model’s price, a shipped one too (admins); every replica uses it within a second')
    .argument('<provider>', 'e.g. openai')
    .argument('<model>', 'e.g. gpt-4o (it also prices its dated snapshots, gpt-4o-2024-08-06)')
    .requiredOption('--input <usd>', 'USD per million input tokens, at most 6 decimals')
    .requiredOption('--output <usd>', 'USD per million output tokens, at most 6 decimals')
    .action((provider: string, model: string, opts: Parameters<typeof set>[3], cmd: Command) => set(contextOf(cmd), provider, model, opts));

  calls(price.command('remove'), 'DELETE /v1/prices/{provider}/{model}')
    .description('remove a model’s price (admins); calls of it are then refused (asks first unless --yes)')
    .argument('<provider>', 'e.g. openai')
    .argument('<model>', 'e.g. gpt-4o')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((provider: string, model: string, opts: Parameters<typeof remove>[3], cmd: Command) =>
      remove(contextOf(cmd), provider, model, opts),
    );

  const perCall = price
    .command('call')
    .description('prices per call of provider endpoints not priced by tokens (images, audio, …); without one the proxy refuses them');

  calls(perCall.command('list'), 'GET /v1/call-prices')
    .description('list prices per call')
    .option('--provider <provider>', 'only this provider’s')
    .action((opts: Parameters<typeof listCalls>[1], cmd: Command) => listCalls(contextOf(cmd), opts));

  calls(perCall.command('set'), 'PUT /v1/call-prices/{provider}/{path}')
    .description('set an endpoint’s price per call (admins); every replica uses it within a second')
    .argument('<provider>', 'e.g. openai')
    .argument('<path>', 'the provider API path, e.g. images/generations')
    .requiredOption('--usd <usd>', 'USD per call, at most 6 decimals')
    .action((provider: string, apiPath: string, opts: Parameters<typeof setCall>[3], cmd: Command) =>
      setCall(contextOf(cmd), provider, apiPath, opts),
    );

  calls(perCall.command('remove'), 'DELETE /v1/call-prices/{provider}/{path}')
    .description('remove an endpoint’s price per call (admins); its calls are then refused (asks first unless --yes)')
    .argument('<provider>', 'e.g. openai')
    .argument('<path>', 'e.g. images/generations')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((provider: string, apiPath: string, opts: Parameters<typeof removeCall>[3], cmd: Command) =>
      removeCall(contextOf(cmd), provider, apiPath, opts),
    );
}
