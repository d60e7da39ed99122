export { createProgram, run } from './program.js';
export { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';
