import { runMigrate } from '@tollgate/platform';
import { migrations } from './migrations/index.js';

// `node dist/migrate.js up|down|status` in the image; `npm run migrate -- audit …` in a checkout.
runMigrate('audit', migrations);
