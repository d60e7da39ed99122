// The one place the dev scripts read the environment: which infrastructure to use.
export const scriptEnv = {
  mongoUrl: process.env.MONGO_URL,
  redisUrl: process.env.REDIS_URL,
  ferretdbBin: process.env.FERRETDB_BIN,
  gatewayPort: process.env.GATEWAY_PORT,
  ci: process.env.CI === 'true',
  passthrough: process.env,
};
