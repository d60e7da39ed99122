import { randomBytes } from 'node:crypto';
import { argon2id, hash, needsRehash, verify } from 'argon2';
import { charCount, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ValidationError } from '@tollgate/platform';

/** Throws a ValidationError naming `field` unless the password meets the policy. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = charCount(password);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError(`Password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, {
      [field]: `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
    });
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Costs what a real verification costs and always fails: run for unknown users so
   * their logins take as long as a wrong password.
   */
  verifyDummy(password: string): Promise<false>;
  needsRehash(passwordHash: string): boolean;
}

/** argon2id with the given memory cost (t=2, p=1: the OWASP baseline at 19 MiB). */
export function createPasswordHasher(memoryKib: number): PasswordHasher {
  const options = { type: argon2id, memoryCost: memoryKib, timeCost: 2, parallelism: 1 } as const;
  // Same parameters as real hashes, so a dummy verification costs the same.
  const dummy = hash(randomBytes(24).toString('base64url'), options);
  const check = async (passwordHash: string, password: string) => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: check,
    async verifyDummy(password) {
      await check(await dummy, password);
      return false;
    },
    needsRehash: (passwordHash) => needsRehash(passwordHash, options),
  };
}
