import { ExitCode } from './exit-codes.js';

/**
 * An error the CLI reports to its user: a message that says what to do next and the
 * exit status it ends the process with. Anything else that escapes is a bug (exit 1).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** Machine-readable reason, shown in `--json` error output. */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage, 'usage_error');
  }
}

export class NotLoggedInError extends CliError {
  constructor(message = 'not logged in — run `tollgate login`') {
    super(message, ExitCode.Unauthenticated, 'not_logged_in');
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super('interrupted', ExitCode.Interrupted, 'interrupted');
  }
}

/** The gateway answered with an error envelope (or something that should have been one). */
export class ApiError extends CliError {
  constructor(
    message: string,
    exitCode: ExitCode,
    code: string,
    readonly status: number,
    readonly requestId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message, exitCode, code);
  }
}

/**
 * The request failed below HTTP. `sent` is false only when the connection was never
 * established, so not one byte of the request can have reached the server; `transient`
 * says whether trying again may help (a refused connection may, a bad certificate won't).
 */
export class NetworkError extends CliError {
  constructor(
    message: string,
    readonly reason: string,
    readonly sent: boolean,
    readonly transient: boolean,
  ) {
    super(message, ExitCode.Unavailable, 'network_error');
  }
}
