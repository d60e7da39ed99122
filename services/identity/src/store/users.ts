import mongoose, { Schema, Types, type Connection, type Model } from 'mongoose';
import { ConflictError, isDuplicateKeyError, type Role } from '@tollgate/platform';

/** A user as the domain sees it: a plain object, never a mongoose document. */
export interface UserRecord {
  id: string;
  email: string;
  /** As given; empty when none was (the email's local part is shown instead). */
  name: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
  /** Consecutive failed logins since the last success or unlock. */
  failedLogins: number;
  lockedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface UserDoc {
  _id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
  failed_logins: number;
  locked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true, unique: true },
    name: { type: String, default: '' },
    role: { type: String, required: true, index: true },
    disabled: { type: Boolean, default: false },
    password_hash: { type: String, required: true },
    failed_logins: { type: Number, default: 0 },
    locked_at: { type: Date, default: null },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);

function toRecord(d: UserDoc): UserRecord {
  return {
    id: d._id,
    email: d.email,
    name: d.name ?? '',
    role: d.role,
    disabled: Boolean(d.disabled),
    passwordHash: d.password_hash,
    failedLogins: d.failed_logins ?? 0,
    lockedAt: d.locked_at ?? null,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  };
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

export interface UserChanges {
  name?: string;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  failedLogins?: number;
  lockedAt?: Date | null;
}

export function createUserStore(conn: Connection) {
  const model: Model<UserDoc> = conn.models.User ?? conn.model<UserDoc>('User', userSchema);

  const update = async (id: string, changes: UserChanges): Promise<UserRecord | null> => {
    const $set: Partial<UserDoc> = { updated_at: new Date() };
    if (changes.name !== undefined) $set.name = changes.name;
    if (changes.role !== undefined) $set.role = changes.role;
    if (changes.disabled !== undefined) $set.disabled = changes.disabled;
    if (changes.passwordHash !== undefined) $set.password_hash = changes.passwordHash;
    if (changes.failedLogins !== undefined) $set.failed_logins = changes.failedLogins;
    if (changes.lockedAt !== undefined) $set.locked_at = changes.lockedAt;
    const d = await model.findOneAndUpdate({ _id: id }, { $set }, { returnDocument: 'after' }).lean<UserDoc>();
    return d ? toRecord(d) : null;
  };

  return {
    /** Resolves once the collection's indexes (the unique email) exist. */
    ready: () => model.init(),

    async create(input: NewUser): Promise<UserRecord> {
      const now = new Date();
      // ObjectId hex: unique and ordered by creation, which is what list pages sort on.
      const doc: UserDoc = {
        _id: new Types.ObjectId().toHexString(),
        email: input.email,
        name: input.name,
        role: input.role,
        disabled: false,
        password_hash: input.passwordHash,
        failed_logins: 0,
        locked_at: null,
        created_at: now,
        updated_at: now,
      };
      try {
        await model.create(doc);
      } catch (err) {
        if (isDuplicateKeyError(err)) throw new ConflictError('A user with this email already exists', { email: 'is taken' });
        throw err;
      }
      return toRecord(doc);
    },

    async findById(id: string): Promise<UserRecord | null> {
      const d = await model.findById(id).lean<UserDoc>();
      return d ? toRecord(d) : null;
    },

    async findByEmail(email: string): Promise<UserRecord | null> {
      const d = await model.findOne({ email }).lean<UserDoc>();
      return d ? toRecord(d) : null;
    },

    /** Users in creation order after the cursor key; fetches limit + 1 so the caller can tell if there is more. */
    async list(opts: { role?: Role; after?: string; limit: number }): Promise<UserRecord[]> {
      const filter: Record<string, unknown> = {};
      if (opts.role) filter.role = opts.role;
      // Operators we write ourselves are marked trusted; sanitizeFilter would neutralise them.
      if (opts.after) filter._id = mongoose.trusted({ $gt: opts.after });
      const docs = await model.find(filter).sort({ _id: 1 }).limit(opts.limit + 1).lean<UserDoc[]>();
      return docs.map(toRecord);
    },

    countAdmins: () => model.countDocuments({ role: 'admin' }),

    /** Admins who can still sign in and act, other than `exceptId`. */
    countActiveAdmins: (exceptId?: string) =>
      model.countDocuments(
        exceptId ? { role: 'admin', disabled: false, _id: mongoose.trusted({ $ne: exceptId }) } : { role: 'admin', disabled: false },
      ),

    update,

    /** Counts one more failed login; returns the user as it is now. Callers serialise per user. */
    async addFailure(id: string): Promise<UserRecord | null> {
      const d = await model
        .findOneAndUpdate({ _id: id }, { $inc: { failed_logins: 1 }, $set: { updated_at: new Date() } }, { returnDocument: 'after' })
        .lean<UserDoc>();
      return d ? toRecord(d) : null;
    },

    async remove(id: string): Promise<boolean> {
      const res = await model.deleteOne({ _id: id });
      return res.deletedCount === 1;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
