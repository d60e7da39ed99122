import type { z } from 'zod';
import { DEPLOYABLES, type Deployable } from './k8s.js';

/** What gateway/src/config.ts and every services/<name>/src/config.ts export. */
interface ConfigModule {
  /** Every variable the process reads. */
  configSchema: z.ZodObject;
  /** The process's own start-up validation: what a chart or compose file gives it must pass. */
  loadConfig(env: NodeJS.ProcessEnv): unknown;
}

const configFile = (name: Deployable) =>
  name === 'gateway' ? '../../../gateway/src/config.js' : `../../../services/${name}/src/config.js`;

/** Each deployable's config module. */
export const configModules = Object.fromEntries(
  await Promise.all(DEPLOYABLES.map(async (name) => [name, (await import(configFile(name))) as ConfigModule] as const)),
) as Record<Deployable, ConfigModule>;
