import { runMigrate } from '@tollgate/platform';
import { migrations } from './migrations/index.js';

// `node dist/migrate.js up|down|status` in the image; `npm run migrate -- provider-key …` in a checkout.
runMigrate('provider-key', migrations);
