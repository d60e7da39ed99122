import { runMain } from '@tollgate/platform';
import { loadConfig, start } from './app.js';

// async, so a bad environment becomes a rejected start (a clear message and exit 1), not a crash.
runMain('identity', async () => start(loadConfig()));
