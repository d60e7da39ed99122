/** The process exit status of every `tollgate` invocation; documented in `tollgate --help`. */
export const ExitCode = {
  Ok: 0,
  Unexpected: 1,
  Usage: 2,
  Unauthenticated: 3,
  Forbidden: 4,
  NotFound: 5,
  Conflict: 6,
  Unavailable: 7,
  /** A check ran and found a fault: `audit verify` found the hash chain broken, `health` a dependency down. */
  CheckFailed: 8,
  /** Interrupted with Ctrl-C (128 + SIGINT), as shells report it. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected error
  2  usage error (bad option or argument, missing confirmation)
  3  not logged in, or authentication failed
  4  forbidden (role or token scope does not allow it)
  5  not found
  6  conflict or validation error
  7  network error, the service is unavailable / rate limited, or a webhook endpoint did not take a redelivery
  8  a check found a fault (audit verify: the hash chain is broken; health: a dependency is down)`;
