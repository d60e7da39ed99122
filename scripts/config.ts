import { embeddedEngine } from '@tollgate/devkit';

// The one place the dev scripts read the environment: which infrastructure to use.
export const scriptEnv = {
  mongoUrl: process.env.MONGO_URL,
  redisUrl: process.env.REDIS_URL,
  // An SMTP server of your own instead of Mailpit; MAILPIT_URL is its API, if it is a Mailpit (tests read mail there).
  smtpUrl: process.env.SMTP_URL,
  mailpitUrl: process.env.MAILPIT_URL,
  ferretdbBin: process.env.FERRETDB_BIN,
  mailpitBin: process.env.MAILPIT_BIN,
  // The embedded database's engine (postgresql, or sqlite) and PostgreSQL's binaries.
  embeddedDb: embeddedEngine(process.env.EMBEDDED_DB),
  pgBin: process.env.PG_BIN,
  gatewayPort: process.env.GATEWAY_PORT,
  ci: process.env.CI === 'true',
  // TYPECHECK=0 and LINT=0 skip the type-check and the lint (ESLint, Prettier) steps of `npm test`
  // (for quick runs of one file).
  typecheck: process.env.TYPECHECK !== '0',
  lint: process.env.LINT !== '0',
  passthrough: process.env,
};
