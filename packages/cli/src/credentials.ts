import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, NotLoggedInError } from './errors.js';
import { ExitCode } from './exit-codes.js';

export interface StoredUser {
  id: string;
  email: string;
  name?: string;
  role?: string;
}

/** What `tollgate login` keeps between invocations. */
export interface Credentials {
  version: 1;
  /** The gateway origin these tokens belong to; they are never sent anywhere else. */
  gateway: string;
  /** Absolute path of the CA file used at login, reused when no other is given. */
  ca?: string;
  access_token: string;
  refresh_token: string;
  /** When the access token expires (RFC 3339), as the gateway said at login/refresh. */
  access_expires_at?: string;
  user: StoredUser;
}

const FILE = 'credentials.json';
const LOCK = 'credentials.lock';
/** A lock older than this belongs to a process that died while holding it. */
const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = STALE_LOCK_MS + 10_000;

function isCredentials(v: unknown): v is Credentials {
  const c = v as Partial<Credentials> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    c.version === 1 &&
    typeof c.gateway === 'string' &&
    typeof c.access_token === 'string' &&
    typeof c.refresh_token === 'string' &&
    typeof c.user === 'object' &&
    c.user !== null &&
    typeof c.user.id === 'string' &&
    typeof c.user.email === 'string'
  );
}

/**
 * credentials.json in the config directory: the directory is created 0700, the file is
 * written 0600 through a temporary file and a rename, so a crash never leaves a torn
 * file and no other user can ever read the tokens, not even for a moment.
 */
export class CredentialStore {
  constructor(readonly dir: string) {}

  get file(): string {
    return path.join(this.dir, FILE);
  }

  async load(): Promise<Credentials | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read ${this.file}: ${(err as Error).message}`, ExitCode.Unexpected, 'credentials_unreadable');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isCredentials(parsed)) throw new NotLoggedInError(`${this.file} is damaged — run \`tollgate login\` to replace it`);
    return parsed;
  }

  async save(credentials: Credentials): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.dir, `.${FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    // 'wx' + mode: the file is born 0600 (umask can only narrow it) and never pre-exists.
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** True when there was something to delete. */
  async remove(): Promise<boolean> {
    const existed = await stat(this.file).then(
      () => true,
      () => false,
    );
    await rm(this.file, { force: true });
    return existed;
  }

  /**
   * Runs `fn` while holding credentials.lock, so two tollgate processes never refresh
   * with the same refresh token: the second one would present an already-rotated token,
   * which the gateway treats as theft and answers by revoking the whole session.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lock = path.join(this.dir, LOCK);
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const fh = await open(lock, 'wx', 0o600);
        await fh.writeFile(String(process.pid));
        await fh.close();
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const held = await stat(lock).catch(() => undefined);
        if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
          await rm(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new CliError(
            `${lock} is held by another tollgate process — if none is running, delete the file and try again`,
            ExitCode.Unexpected,
            'credentials_locked',
          );
        }
        await sleep(50 + Math.floor(Math.random() * 50));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }
}
