// The `tollgate` executable (bin/tollgate.js starts this file).
import { run } from './program.js';

// `tollgate token list | head -1`: a reader that hangs up early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await run(process.argv);
