import { runMain } from '@tollgate/platform';
import { loadConfig, start } from './app.js';

runMain('audit', () => start(loadConfig()));
