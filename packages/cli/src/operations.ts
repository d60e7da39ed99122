import type { Command, Option } from 'commander';

/** A REST operation of the gateway as its OpenAPI document names it: `GET /v1/tokens/{id}`. */
export type Operation = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

const declared = new WeakMap<Command | Option, readonly Operation[]>();

/**
 * Declares the REST operations a command — or one of its options, like `logout --all` — exists
 * to perform (not the reads it makes on the way, such as the look-up before a confirmation).
 * Returns `target`, so it wraps a definition: `calls(token.command('get'), 'GET /v1/tokens/{id}')`.
 * The parity test (test/parity.test.ts) holds them against the gateway's OpenAPI document.
 */
export function calls<T extends Command | Option>(target: T, ...operations: Operation[]): T {
  declared.set(target, [...(declared.get(target) ?? []), ...operations]);
  return target;
}

/** The operations `calls` declared for a command or option. */
export function operationsOf(target: Command | Option): readonly Operation[] {
  return declared.get(target) ?? [];
}
