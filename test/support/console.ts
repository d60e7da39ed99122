/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ExecutionContext } from 'ava';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '@tollgate/devkit';
import { launchBrowser, pageWithAuthenticator } from './browser.js';
import { newUser, PASSWORD, type ApiUser } from './factories.js';
import { loginAsAdmin, type Session } from './session.js';
import { startStack, type Stack } from './stack.js';

/** Where the console tests put their screenshots. */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results/console');
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The whole system with its gateway on https://localhost:<port> (mailed links point there) and Chromium. */
export interface ConsoleHarness {
  stack: Stack;
  browser: Browser;
  admin: Session;
  origin: string;
  /** A person of `role` (PASSWORD), made by the admin. */
  person(role?: string): Promise<ApiUser>;
  close(): Promise<void>;
}

/** `env`: more variables for the gateway and identity (e.g. a lower lockout threshold). */
export async function startConsoleHarness(
  env: { gateway?: Record<string, string>; identity?: Record<string, string> } = {},
): Promise<ConsoleHarness> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const port = String(await freePort());
  const origin = `https://localhost:${port}`;
  const [stack, browser] = await Promise.all([
    startStack({
      env: {
        gateway: { GATEWAY_PORT: port, ...env.gateway },
        identity: { PUBLIC_URL: origin, ARGON2_MEMORY_KIB: '1024', WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin, ...env.identity },
      },
    }),
    launchBrowser(),
  ]);
  const admin = await loginAsAdmin(stack);
  return {
    stack,
    browser,
    admin,
    origin,
    person: (role = 'member') => newUser(stack, admin, { role }),
    async close() {
      await browser.close();
      await stack.close();
    },
  };
}

/**
 * A fresh browser (no cookies) on a console page, failing the test on any CSP violation or page
 * error; `authenticator`: with a virtual platform authenticator that holds passkeys.
 */
export async function openConsole(
  t: ExecutionContext,
  h: ConsoleHarness,
  page = '/console/',
  opts: { authenticator?: boolean } = {},
): Promise<Page> {
  const { context, page: p } = opts.authenticator
    ? await pageWithAuthenticator(h.browser)
    : await h.browser.newContext({ ignoreHTTPSErrors: true }).then(async (context) => ({ context, page: await context.newPage() }));
  t.teardown(() => context.close());
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) t.fail(`CSP: ${m.text()}`);
  });
  p.on('pageerror', (err) => t.fail(`page error: ${err.message}`));
  await p.goto(h.origin + page);
  return p;
}

export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** Follows the console's navigation link `label` to the page of that title. */
export async function goTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** axe-core on the page as it is: no serious or critical violation; then its screenshot as `name`.png. */
export async function accessible(t: ExecutionContext, page: Page, name: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null }[] }> } }
    ).axe.run();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact})`);
  });
  t.deepEqual(violations, [], `${name}: accessibility violations`);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
