import { ApiError, CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';

/** Where results go: stdout for results (JSON with --json), stderr for notes and errors. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** A command's result: `value` as JSON with --json, else what `human` prints. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human();
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note for the person at the terminal; never mixed into the results on stdout. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** Aligned "Label  value" lines. */
  fields(rows: [label: string, value: string][]): void {
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, value] of rows) this.line(`${label.padEnd(width)}  ${value}`);
  }

  table<T>(items: T[], columns: { header: string; value: (item: T) => string }[]): void {
    const cells = items.map((item) => columns.map((c) => c.value(item)));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
    const render = (row: string[]) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd();
    this.line(render(columns.map((c) => c.header)));
    for (const row of cells) this.line(render(row));
  }

  error(err: unknown, debug: boolean): ExitCode {
    const known = err instanceof CliError;
    const exitCode = known ? err.exitCode : ExitCode.Unexpected;
    const message = known ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    const requestId = err instanceof ApiError ? err.requestId : undefined;
    if (this.json) {
      const code = known ? err.code : 'unexpected_error';
      this.stderr.write(
        `${JSON.stringify({ error: { code, message, exit_code: exitCode, ...(requestId ? { request_id: requestId } : {}) } })}\n`,
      );
    } else {
      this.stderr.write(`tollgate: ${message}${requestId ? ` (request id ${requestId})` : ''}\n`);
    }
    if (!known && debug && err instanceof Error && err.stack) this.stderr.write(`${err.stack}\n`);
    return exitCode;
  }
}

/** RFC 3339 → "2025-01-31 12:00 UTC"; empty / null → the fallback. */
export function when(value: string | null | undefined, fallback = '—'): string {
  if (!value) return fallback;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
