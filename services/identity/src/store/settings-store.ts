import { Schema, type Connection, type Model } from 'mongoose';
import type { SettingsRepository } from '../domain/repositories.js';

interface SettingsDoc {
  /** One document per group of settings: `sign_in`. */
  _id: string;
  password_login: boolean;
  updated_at: Date;
}

const settingsSchema = new Schema<SettingsDoc>(
  {
    _id: { type: String, required: true },
    password_login: { type: Boolean, required: true },
    updated_at: { type: Date, required: true },
  },
  { collection: 'settings', versionKey: false },
);

/** Installation-wide settings admins change at run time; read by primary key where they apply, so every replica follows at once. */
export function createSettingsStore(conn: Connection): SettingsRepository {
  const model: Model<SettingsDoc> =
    (conn.models.Settings as Model<SettingsDoc> | undefined) ?? conn.model<SettingsDoc>('Settings', settingsSchema);
  return {
    async ready() {
      await model.init();
    },
    async signIn() {
      const doc = await model.findById('sign_in').lean<SettingsDoc>();
      return { passwordLogin: doc?.password_login ?? true, updatedAt: doc?.updated_at ?? null };
    },
    // A whole setting is written at once: of two admins changing it together, the later write is what holds.
    async setSignIn(settings, at) {
      await model.replaceOne({ _id: 'sign_in' }, { password_login: settings.passwordLogin, updated_at: at }, { upsert: true });
    },
  };
}
