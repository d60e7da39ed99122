import type { Migration } from '@tollgate/platform';
import * as baseline from './001-baseline.js';

/** This service's database migrations, oldest first (`npm run migrate -- budget status`). */
export const migrations: readonly Migration[] = [baseline];
