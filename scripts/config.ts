// The one place the dev scripts read the environment: which infrastructure to use.
export const scriptEnv = {
  mongoUrl: process.env.MONGO_URL,
  redisUrl: process.env.REDIS_URL,
  ferretdbBin: process.env.FERRETDB_BIN,
  gatewayPort: process.env.GATEWAY_PORT,
  ci: process.env.CI === 'true',
  // TYPECHECK=0 skips the type-check step of `npm test` (for quick runs of one file).
  typecheck: process.env.TYPECHECK !== '0',
  passthrough: process.env,
};
