import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { connectMongo, createLogger, type Logger } from '@tollgate/platform';
import { loadReencryptConfig } from './config.js';
import { SecretBox, UndecryptableError, type Keyring } from '@tollgate/platform';
import { NO_CHANGE } from './domain/provider-key-repository.js';
import { ProviderKeyStore } from './store/provider-key-store.js';

export interface ReencryptOptions {
  /** The provider-key service's database. */
  conn: Connection;
  keyring: Keyring;
  log: Logger;
  batchSize?: number;
}

export interface ReencryptResult {
  /** Records found sealed under an older key. */
  checked: number;
  /** Records now sealed under the active key. */
  reencrypted: number;
  /** Records rotated or deleted meanwhile (already under the active key, or gone). */
  skipped: number;
  /** Records whose key id is not in the keyring, or whose ciphertext does not authenticate. */
  failed: string[];
}

/**
 * Moves every provider key onto the active key of the keyring: decrypt with the key
 * it names, seal again under the active key with a fresh nonce. Each one is a committed
 * change of the key (a new version), so running this beside a live service never loses
 * a rotation or any other change. Safe to run again; once `failed` is empty, old keys can be
 * removed from PROVIDER_KEY_ENCRYPTION_KEYS.
 */
export async function reencryptAll(opts: ReencryptOptions): Promise<ReencryptResult> {
  const store = new ProviderKeyStore(opts.conn);
  const box = new SecretBox(opts.keyring);
  const batchSize = opts.batchSize ?? 100;
  const result: ReencryptResult = { checked: 0, reencrypted: 0, skipped: 0, failed: [] };
  let after: string | undefined;
  for (;;) {
    const ids = await store.idsNotSealedUnder(box.activeKid, after, batchSize);
    if (ids.length === 0) break;
    after = ids[ids.length - 1];
    for (const id of ids) {
      result.checked++;
      let committed;
      try {
        // Re-seals the latest version; a key rotated (or deleted) meanwhile is left alone.
        committed = await store.commit(id, (current) =>
          current.secret.kid === box.activeKid
            ? NO_CHANGE
            : { ...current, secret: box.seal(box.open(current.secret, id), id), updated_at: new Date() },
        );
      } catch (err) {
        if (!(err instanceof UndecryptableError)) throw err;
        opts.log.error({ key_id: id, kid: err.kid }, 'provider key cannot be decrypted with the configured keyring');
        result.failed.push(id);
        continue;
      }
      if (committed && committed.after !== committed.before) result.reencrypted++;
      else result.skipped++;
    }
  }
  opts.log.info({ ...result, active_kid: box.activeKid }, 'provider keys re-encrypted');
  return result;
}

/** `node --conditions=development --import tsx services/provider-key/src/reencrypt.ts` */
async function main(): Promise<void> {
  const config = loadReencryptConfig();
  const log = createLogger('provider-key-reencrypt', config.LOG_LEVEL);
  const conn = await connectMongo(config.MONGO_URL, config.MONGO_DB ?? 'tollgate_provider_key', log);
  try {
    const result = await reencryptAll({ conn, keyring: config.PROVIDER_KEY_ENCRYPTION_KEYS, log });
    process.exitCode = result.failed.length > 0 ? 1 : 0;
  } finally {
    await conn.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`reencrypt: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
