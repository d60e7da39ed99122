import { createDecipheriv, createPrivateKey, type KeyObject } from 'node:crypto';
import mongoose from 'mongoose';
import { testEnv } from './env.js';
import type { Stack } from './stack.js';

/** The active signing key as a thief of the identity database and its key-encryption key would have it. */
export async function stolenSigningKey(stack: Stack): Promise<{ kid: string; key: KeyObject }> {
  const conn = await mongoose.createConnection(testEnv.mongoUrl, { dbName: stack.env.identity.MONGO_DB }).asPromise();
  try {
    const doc = await conn
      .collection<{ _id: string; private_key: { iv: string; data: string; tag: string } }>('signing_keys')
      .findOne({ status: 'active' });
    const sealed = doc!.private_key;
    const decipher = createDecipheriv(
      'aes-256-gcm',
      Buffer.from(stack.secrets.JWT_KEY_ENCRYPTION_KEY, 'base64'),
      Buffer.from(sealed.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(doc!._id, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const der = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return { kid: doc!._id, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  } finally {
    await conn.close();
  }
}
