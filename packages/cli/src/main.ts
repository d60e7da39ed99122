// The `tollgate` executable (bin/tollgate.js starts this file).
import { run } from './program.js';

process.exitCode = await run(process.argv);
