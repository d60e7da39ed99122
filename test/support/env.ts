import { embeddedEngine } from '@tollgate/devkit';

// The one place tests read the environment: where the test run's infrastructure is.
export const testEnv = {
  mongoUrl: process.env.TEST_MONGO_URL ?? process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
  redisUrl: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
  ferretdbBin: process.env.FERRETDB_BIN,
  embeddedDb: embeddedEngine(process.env.EMBEDDED_DB),
  pgBin: process.env.PG_BIN,
  /** The test run's SMTP server (scripts/run-tests.ts starts Mailpit unless SMTP_URL is set), and Mailpit's API to read what it got. */
  smtpUrl: process.env.TEST_SMTP_URL,
  mailpitUrl: process.env.TEST_MAILPIT_URL,
  mailpitBin: process.env.MAILPIT_BIN,
  /** schemathesis' `st` (scripts/ensure-tools.sh installs it into .tools/venv). */
  schemathesisBin: process.env.SCHEMATHESIS_BIN,
  /** The browser tests drive (Debian's chromium; scripts/ensure-tools.sh installs it). */
  chromiumBin: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
};
