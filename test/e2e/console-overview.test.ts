import test from 'ava';
import { accessible, openConsole, signIn, startConsoleHarness, type ConsoleHarness } from '../support/console.js';
import { addProviderKey, createAgent } from '../support/factories.js';

// The overview with more agents than one page of the API: its lists say they are of the agents
// loaded so far, and load the next page on demand. A stack of its own: the other console tests
// must not find a hundred more agents on their pages.
const PAGE = 100;

let h: ConsoleHarness;

test.before(async () => {
  h = await startConsoleHarness();
});
test.after.always(async () => {
  await h?.close();
});

test('with more agents than a page, the overview says its lists are of the first hundred, and loading more finds one near exhaustion', async (t) => {
  await addProviderKey(h.stack, h.admin, 'openai', 'sk-console-overview-0123456789');
  for (let made = 0; made < PAGE; made += 10) await Promise.all(Array.from({ length: 10 }, () => createAgent(h.stack, h.admin, 10)));
  // The 101st agent, on the second page: a lease of $9.50 of its $10 leaves it a twentieth.
  const late = await createAgent(h.stack, h.admin, 10, { name: 'late-and-near' });
  const lease = await h.stack.http.post(`/v1/agents/${late.id}/handshake`, {
    token: late.token,
    json: { provider: 'openai', requested_usd: 9.5 },
  });
  t.is(lease.status, 200, lease.text);

  const page = await openConsole(t, h);
  await signIn(page, h.stack.secrets.BOOTSTRAP_ADMIN_EMAIL, h.stack.secrets.BOOTSTRAP_ADMIN_PASSWORD);
  const near = page.getByRole('region', { name: 'Budgets near exhaustion' });
  await near.getByText('No agent has used more than 90 % of its budget.').waitFor();
  t.is(await near.getByText(`Of the first ${PAGE} agents.`).count(), 1, 'the list says what it is of');
  t.is(await page.getByRole('region', { name: 'Top agents by spend this period' }).getByText(`Of the first ${PAGE} agents.`).count(), 1);

  await near.getByRole('button', { name: 'Load more' }).click();
  const listed = near.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'late-and-near', exact: true }) });
  await listed.waitFor();
  t.regex((await listed.textContent()) ?? '', /\$0\.50 left$/);
  t.is(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'every agent is loaded: no more to ask for');
  await accessible(t, page, 'overview-more-agents');
});
