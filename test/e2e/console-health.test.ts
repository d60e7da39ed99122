import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import { accessible, goTo, openConsole, signIn, startConsoleHarness, type ConsoleHarness } from '../support/console.js';

// The console's Health page in Chromium against the real system: it asks /health/detailed every
// 5 s and shows each dependency's status and latency, and the gateway's request and 5xx rates
// from two consecutive readings.
const SERVICES = ['identity', 'token', 'budget', 'provider-key', 'audit'];
/** A poll or two (every 5 s), with room for a check's 1 s deadline. */
const TWO_POLLS_MS = 12_000;

let h: ConsoleHarness;

test.before(async () => {
  h = await startConsoleHarness();
});
test.after.always(async () => {
  await h?.close();
});

const statusOf = (page: Page, name: string) => page.locator(`tr[data-dependency="${name}"] [data-testid="status"]`);

async function adminOnHealth(t: ExecutionContext): Promise<Page> {
  const page = await openConsole(t, h);
  await signIn(page, h.stack.secrets.BOOTSTRAP_ADMIN_EMAIL, h.stack.secrets.BOOTSTRAP_ADMIN_PASSWORD);
  await goTo(page, 'Health');
  return page;
}

// Serial: the audit outage is over before the other tests look.
test.serial(
  'an admin sees every service and Redis ok with its latency, then the request rate as a number after the next poll',
  async (t) => {
    const page = await adminOnHealth(t);
    for (const name of ['redis', ...SERVICES]) {
      const row = page.locator(`tr[data-dependency="${name}"]`);
      await row.waitFor();
      t.is((await statusOf(page, name).textContent())?.trim(), 'ok', name);
      t.regex((await row.getByTestId('latency').textContent()) ?? '', /^\d+(\.\d+)? ms$/, name);
    }
    t.is(await page.getByTestId('overall-status').textContent(), 'ok');
    t.is(await page.getByTestId('request-rate').textContent(), '—', 'no rate from one reading');

    await page
      .getByTestId('request-rate')
      .filter({ hasText: /^\d+\.\d{2}$/ })
      .waitFor({ timeout: TWO_POLLS_MS });
    const rate = Number(await page.getByTestId('request-rate').textContent());
    t.true(Number.isFinite(rate) && rate > 0, `requests/s: ${rate} (the page's own polls are requests)`);
    t.regex((await page.getByTestId('error-rate').textContent()) ?? '', /^\d+\.\d{2}$/);
    await accessible(t, page, 'health');
  },
);

test.serial(
  'when a service stops, then within a poll or two the page shows it down with its error, and ok again once it is back',
  async (t) => {
    const page = await adminOnHealth(t);
    await statusOf(page, 'audit').filter({ hasText: /^ok$/ }).waitFor();
    await h.stack.stop('audit');
    try {
      await statusOf(page, 'audit')
        .filter({ hasText: /^down: .+/ })
        .waitFor({ timeout: TWO_POLLS_MS });
      t.regex((await statusOf(page, 'audit').textContent()) ?? '', /^down: \S/, 'says why');
      t.is(await page.getByTestId('overall-status').textContent(), 'degraded');
      for (const name of ['redis', 'identity', 'token', 'budget', 'provider-key']) {
        t.is((await statusOf(page, name).textContent())?.trim(), 'ok', `${name} is still ok`);
      }
    } finally {
      await h.stack.start('audit');
    }
    await statusOf(page, 'audit').filter({ hasText: /^ok$/ }).waitFor({ timeout: TWO_POLLS_MS });
    t.is(await page.getByTestId('overall-status').textContent(), 'ok');
  },
);

test('a member sees no Health link, and /console/health opens their first page instead', async (t) => {
  const member = await h.person();
  const page = await openConsole(t, h);
  await signIn(page, member.email);
  t.is(await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Health' }).count(), 0);
  await page.goto(`${h.origin}/console/health`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  t.is(await page.getByRole('heading', { level: 1, name: 'Health' }).count(), 0);
});
