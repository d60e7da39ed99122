import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { testEnv } from './env.js';

/** Headless chromium (the machine's, driven by Playwright); the gateway's dev certificate is self-signed. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: testEnv.chromiumBin, headless: true, args: ['--ignore-certificate-errors'] });
}

/** A page of a fresh context (no cookies) with a virtual authenticator: a platform one that holds discoverable passkeys and always verifies its user. */
export async function pageWithAuthenticator(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession; authenticatorId: string }> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, cdp, authenticatorId };
}
