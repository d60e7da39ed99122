import { runMain } from '@tollgate/platform';
import { loadConfig, start } from './app.js';

runMain('budget', () => start(loadConfig()));
