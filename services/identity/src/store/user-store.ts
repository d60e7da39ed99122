import { Schema, Types, type Connection, type Model } from 'mongoose';
import { ConflictError, findLast, isDuplicateKeyError, type Role } from '@tollgate/platform';
import { USER_BUCKET_SIZE, type NewUser, type UserChanges, type UserRecord } from '../domain/records.js';
import type { UserRepository } from '../domain/repositories.js';

interface UserDoc {
  _id: string;
  email: string;
  seq: number;
  /** seq / USER_BUCKET_SIZE: lists read one bucket per equality query. */
  bucket: number;
  rev: number;
  name: string;
  role: Role;
  disabled: boolean;
  password_hash: string;
  /** Absent on users stored before it existed: true. */
  password_login?: boolean;
  must_change_password?: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A committed revision after the first: the whole mutable state, so the latest one alone says what the user is. */
interface RevisionDoc {
  _id: string;
  user_id: string;
  rev: number;
  /** Absent on revisions written before an address could change: the user document's. */
  email?: string;
  name: string;
  role: Role;
  disabled: boolean;
  password_login?: boolean;
  must_change_password?: boolean;
  /** Removed once a later revision exists: an old password's hash is not kept. */
  password_hash?: string;
  updated_at: Date;
}

/** `_id`: the n-th user ever created. Never deleted, so the sequence has no gaps even when users do. */
interface SeqDoc {
  _id: number;
  user_id: string;
}

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    email: { type: String, required: true, unique: true },
    seq: { type: Number, required: true },
    bucket: { type: Number, required: true, index: true },
    rev: { type: Number, required: true },
    name: { type: String, default: '' },
    role: { type: String, required: true, index: true },
    disabled: { type: Boolean, default: false },
    password_hash: { type: String, required: true },
    password_login: { type: Boolean },
    must_change_password: { type: Boolean },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  },
  { collection: 'users', versionKey: false },
);

const revisionSchema = new Schema<RevisionDoc>(
  {
    _id: { type: String, required: true },
    user_id: { type: String, required: true, index: true },
    rev: { type: Number, required: true },
    email: { type: String },
    name: { type: String, default: '' },
    role: { type: String, required: true },
    disabled: { type: Boolean, required: true },
    password_login: { type: Boolean },
    must_change_password: { type: Boolean },
    password_hash: { type: String },
    updated_at: { type: Date, required: true },
  },
  { collection: 'user_revisions', versionKey: false },
);

const seqSchema = new Schema<SeqDoc>(
  { _id: { type: Number, required: true }, user_id: { type: String, required: true } },
  { collection: 'user_seq', versionKey: false },
);

const revisionKey = (id: string, rev: number) => `${id}:${rev}`;

function toRecord(d: UserDoc): UserRecord {
  return {
    id: d._id,
    email: d.email,
    name: d.name ?? '',
    role: d.role,
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- users stored before `disabled` existed lack it
    disabled: Boolean(d.disabled),
    passwordHash: d.password_hash,
    passwordLogin: d.password_login ?? true,
    mustChangePassword: d.must_change_password ?? false,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    rev: d.rev,
    seq: d.seq,
  };
}

function withRevision(user: UserRecord, r: RevisionDoc): UserRecord {
  return {
    ...user,
    email: r.email ?? user.email,
    name: r.name,
    role: r.role,
    disabled: r.disabled,
    passwordHash: r.password_hash!,
    passwordLogin: r.password_login ?? user.passwordLogin,
    mustChangePassword: r.must_change_password ?? user.mustChangePassword,
    updatedAt: r.updated_at,
    rev: r.rev,
  };
}

function stateOf(u: UserRecord) {
  return {
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    password_hash: u.passwordHash,
    password_login: u.passwordLogin,
    must_change_password: u.mustChangePassword,
    updated_at: u.updatedAt,
  };
}

/**
 * Users as an append-only log of revisions per user (`_id: "<user>:<rev>"`) plus the
 * user document, the read model of the latest revision. Every change commits the next
 * revision with a unique insert: of two writers (two replicas) changing one user from
 * the same revision exactly one succeeds and the other re-applies its change on top, so
 * a disable or a role change is never undone by a concurrent rename or password change
 * (FerretDB writes whole documents back). Reads check the document against the log.
 */
export function createUserStore(conn: Connection): UserRepository {
  const model: Model<UserDoc> = (conn.models.User as Model<UserDoc> | undefined) ?? conn.model<UserDoc>('User', userSchema);
  const revisions: Model<RevisionDoc> =
    (conn.models.UserRevision as Model<RevisionDoc> | undefined) ?? conn.model<RevisionDoc>('UserRevision', revisionSchema);
  const seqs: Model<SeqDoc> = (conn.models.UserSeq as Model<SeqDoc> | undefined) ?? conn.model<SeqDoc>('UserSeq', seqSchema);
  let knownSeq = 0;

  const lastSeq = async () => {
    knownSeq = await findLast(knownSeq, async (n) => (await seqs.exists({ _id: n })) !== null);
    return knownSeq;
  };

  /** The latest committed revision after `rev`, if there is one. */
  async function newer(id: string, rev: number): Promise<RevisionDoc | null> {
    for (let known = rev; ;) {
      const last = await findLast(known, async (n) => (await revisions.exists({ _id: revisionKey(id, n) })) !== null);
      if (last === rev) return null;
      const doc = await revisions.findById(revisionKey(id, last)).lean<RevisionDoc>();
      if (doc?.password_hash) return doc;
      // Superseded (its hash removed) between the probe and the read: the newer one exists, look again.
      known = last;
    }
  }

  /** The document is trusted for the revision it names; one probe when it is current. */
  async function latest(doc: UserDoc | null): Promise<UserRecord | null> {
    if (!doc) return null;
    const user = toRecord(doc);
    const rev = await newer(user.id, user.rev);
    return rev ? withRevision(user, rev) : user;
  }

  /**
   * Writes a committed revision into the read model. On FerretDB a concurrent write of an
   * older revision can land after ours and undo it, so the writer looks again and writes
   * the latest until the log has nothing newer; readers never depend on it (latest).
   */
  async function project(user: UserRecord): Promise<void> {
    for (let current: UserRecord | null = user; current;) {
      await model.updateOne({ _id: current.id }, { $set: { ...stateOf(current), rev: current.rev } });
      const rev = await newer(current.id, current.rev);
      current = rev && withRevision(current, rev);
    }
  }

  /**
   * Commits the next revision of a user. An address is unique in the read model only, so a
   * new address is claimed by projecting it: taken meanwhile (its duplicate key), the change
   * is undone by the next revision and refused.
   */
  async function change(
    id: string,
    decide: (current: UserRecord) => Promise<UserChanges | null>,
  ): Promise<{ before: UserRecord; after: UserRecord } | null> {
    for (;;) {
      const before = await latest(await model.findById(id).lean<UserDoc>());
      if (!before) return null;
      const changes = await decide(before);
      if (!changes) return { before, after: before };
      const after: UserRecord = { ...before, ...changes, rev: before.rev + 1, updatedAt: new Date() };
      try {
        await revisions.create({ _id: revisionKey(id, after.rev), user_id: id, rev: after.rev, ...stateOf(after) });
      } catch (err) {
        if (isDuplicateKeyError(err)) continue;
        throw err;
      }
      // Only the latest hash is needed; best effort, a leftover is only an old hash.
      if (before.rev > 1)
        await revisions.updateOne({ _id: revisionKey(id, before.rev) }, { $unset: { password_hash: 1 } }).catch(() => undefined);
      try {
        await project(after);
      } catch (err) {
        if (!isDuplicateKeyError(err) || after.email === before.email) throw err;
        await change(id, async (current) => (current.email === after.email ? { email: before.email } : null));
        throw new ConflictError('A user with this email already exists', { email: 'is taken' });
      }
      return { before, after };
    }
  }

  return {
    async ready() {
      await Promise.all([model.init(), revisions.init(), seqs.init()]);
    },

    async create(input: NewUser): Promise<UserRecord> {
      const id = new Types.ObjectId().toHexString();
      let seq = (await lastSeq()) + 1;
      for (; ; seq = (await lastSeq()) + 1) {
        try {
          await seqs.create({ _id: seq, user_id: id });
          break;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      const now = new Date();
      const doc: UserDoc = {
        _id: id,
        email: input.email,
        seq,
        bucket: Math.floor(seq / USER_BUCKET_SIZE),
        rev: 1,
        name: input.name,
        role: input.role,
        disabled: false,
        password_hash: input.passwordHash,
        password_login: true,
        must_change_password: false,
        created_at: now,
        updated_at: now,
      };
      try {
        await model.create(doc);
      } catch (err) {
        // The place stays taken by nobody: lists skip it.
        if (isDuplicateKeyError(err)) throw new ConflictError('A user with this email already exists', { email: 'is taken' });
        throw err;
      }
      return toRecord(doc);
    },

    async findById(id: string): Promise<UserRecord | null> {
      return latest(await model.findById(id).lean<UserDoc>());
    },

    /** The read model names the candidate; its latest revision must still have the address (a change may be projecting). */
    async findByEmail(email: string): Promise<UserRecord | null> {
      const user = await latest(await model.findOne({ email }).lean<UserDoc>());
      return user?.email === email ? user : null;
    },

    lastSeq,

    async bucket(bucket: number): Promise<UserRecord[]> {
      const docs = await model.find({ bucket }).lean<UserDoc[]>();
      return docs.map(toRecord);
    },

    async current(users: UserRecord[]): Promise<UserRecord[]> {
      const latestOf = async (u: UserRecord) => {
        const rev = await newer(u.id, u.rev);
        return rev ? withRevision(u, rev) : u;
      };
      return Promise.all(users.map(latestOf));
    },

    /** The read model's role names the candidates; the log confirms each. */
    async admins(): Promise<UserRecord[]> {
      const docs = await model.find({ role: 'admin' }).lean<UserDoc[]>();
      return (await Promise.all(docs.map(latest))).filter((u): u is UserRecord => u?.role === 'admin');
    },

    change,

    async remove(id: string): Promise<boolean> {
      const res = await model.deleteOne({ _id: id });
      await revisions.deleteMany({ user_id: id });
      return res.deletedCount === 1;
    },
  };
}
