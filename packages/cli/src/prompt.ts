import readline from 'node:readline';
import { InterruptedError, UsageError } from './errors.js';

/** True when a person can answer questions: stdin is a terminal. */
export function interactive(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- isTTY is undefined, not false, when stdin is no terminal
  return process.stdin.isTTY === true;
}

/**
 * Asks on stderr (stdout stays clean for results) and reads one line from the terminal.
 * Ctrl-D answers the empty string; Ctrl-C interrupts.
 */
export function promptLine(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      rl.close();
      fn();
    };
    rl.on('SIGINT', () =>
      settle(() => {
        process.stderr.write('\n');
        reject(new InterruptedError());
      }),
    );
    rl.on('close', () => settle(() => resolve('')));
    rl.question(question, (answer) => settle(() => resolve(answer.trim())));
  });
}

/** Reads a secret with echo off: raw mode, nothing written back but the final newline. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Echo goes off before the prompt shows, so even a fast typist's first key is not echoed.
  stdin.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return;
        }
        if (ch === '\u0003') {
          finish(new InterruptedError());
          return;
        }
        if (ch === '\u0004') {
          if (value === '') {
            finish(new InterruptedError());
            return;
          }
          finish();
          return;
        }
        // eslint-disable-next-line @typescript-eslint/no-misused-spread -- backspace removes the last code point
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** A new password, asked twice with echo off; a mismatch is a UsageError ('' is returned as is, for the caller to refuse). */
export async function promptNewPassword(question: string): Promise<string> {
  const password = await promptHidden(question);
  if (password !== '' && (await promptHidden('Repeat it: ')) !== password) throw new UsageError('the passwords do not match');
  return password;
}

/** "Are you sure? (y/N)": only y / yes confirm; anything else, or Ctrl-D, declines. */
export async function confirm(question: string): Promise<boolean> {
  return /^y(es)?$/i.test(await promptLine(`${question} (y/N) `));
}

/** Everything piped to stdin, without the one trailing newline `echo` adds. */
export async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`${what} is read from stdin, but stdin is a terminal — pipe it in`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
