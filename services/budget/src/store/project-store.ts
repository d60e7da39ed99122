import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from '@tollgate/platform';
import { PROJECT_ROLES, type ProjectMemberRecord, type ProjectRecord } from '../domain/records.js';
import type { ProjectMemberRepository, ProjectRepository } from '../domain/repositories.js';
import { CreationOrder } from './creation-order.js';

type ProjectDoc = Omit<ProjectRecord, 'id'> & { _id: string; page: number };
/** `_id` is `<project>:<user>`: the membership's key. */
type MemberDoc = ProjectMemberRecord & { _id: string };

const projectSchema = new Schema<ProjectDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    status: { type: String, enum: ['active', 'deleted'], required: true },
    created_by: { type: String, required: true },
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
    seq: { type: Number, required: true },
    page: { type: Number, required: true },
  },
  { collection: 'projects', versionKey: false, strict: 'throw' },
);
projectSchema.index({ seq: 1 }, { unique: true });
projectSchema.index({ page: 1 });

const memberSchema = new Schema<MemberDoc>(
  {
    _id: { type: String, required: true },
    project_id: { type: String, required: true },
    user_id: { type: String, required: true },
    role: { type: String, enum: PROJECT_ROLES, required: true },
    added_by: { type: String, required: true },
    added_at: { type: Date, required: true },
  },
  { collection: 'project_members', versionKey: false, strict: 'throw' },
);
memberSchema.index({ project_id: 1 });
memberSchema.index({ user_id: 1 });

const memberKey = (projectId: string, userId: string) => `${projectId}:${userId}`;

function toProject(doc: ProjectDoc): ProjectRecord {
  const { _id, page: _page, ...rest } = doc;
  return { id: _id, ...rest };
}

function toMember(doc: MemberDoc): ProjectMemberRecord {
  const { _id, ...rest } = doc;
  return rest;
}

export class ProjectStore implements ProjectRepository {
  readonly model: Model<ProjectDoc>;
  readonly #order: CreationOrder;

  constructor(conn: Connection) {
    this.model = (conn.models.Project as Model<ProjectDoc> | undefined) ?? conn.model<ProjectDoc>('Project', projectSchema);
    this.#order = new CreationOrder(conn, 'projects');
  }

  insert(record: Omit<ProjectRecord, 'seq'>): Promise<ProjectRecord> {
    return this.#order.create(this.model, record);
  }

  async findById(id: string): Promise<ProjectRecord | null> {
    const doc = await this.model.findById(id).lean<ProjectDoc>();
    return doc ? toProject(doc) : null;
  }

  async list(opts: { afterSeq: number; limit: number; include?: (p: ProjectRecord) => boolean }): Promise<ProjectRecord[]> {
    return this.#order.after(
      opts.afterSeq,
      opts.limit,
      (page) => this.model.find({ page }).lean<ProjectDoc[]>(),
      (doc) => {
        const record = doc.status === 'active' ? toProject(doc) : undefined;
        return record && (!opts.include || opts.include(record)) ? record : undefined;
      },
    );
  }

  async update(id: string, patch: Partial<Pick<ProjectRecord, 'name' | 'description'>>, now: Date): Promise<ProjectRecord | null> {
    const doc = await this.model
      .findOneAndUpdate({ _id: id, status: 'active' }, { $set: { ...patch, updated_at: now } }, { returnDocument: 'after' })
      .lean<ProjectDoc>();
    return doc ? toProject(doc) : null;
  }

  async markDeleted(id: string, now: Date): Promise<boolean> {
    const res = await this.model.updateOne({ _id: id, status: 'active' }, { $set: { status: 'deleted', updated_at: now } });
    return res.modifiedCount > 0;
  }
}

export class ProjectMemberStore implements ProjectMemberRepository {
  readonly model: Model<MemberDoc>;

  constructor(conn: Connection) {
    this.model = (conn.models.ProjectMember as Model<MemberDoc> | undefined) ?? conn.model<MemberDoc>('ProjectMember', memberSchema);
  }

  async set(member: ProjectMemberRecord): Promise<ProjectMemberRecord> {
    // The key makes a user a member once; of concurrent role changes the last one stays.
    const write = () => this.model.replaceOne({ _id: memberKey(member.project_id, member.user_id) }, member, { upsert: true });
    try {
      await write();
    } catch (err) {
      // Two first additions raced (an upsert is not atomic on every database): the other inserted it, so this one replaces.
      if (!isDuplicateKeyError(err)) throw err;
      await write();
    }
    return member;
  }

  async remove(projectId: string, userId: string): Promise<boolean> {
    const res = await this.model.deleteOne({ _id: memberKey(projectId, userId) });
    return res.deletedCount > 0;
  }

  async find(projectId: string, userId: string): Promise<ProjectMemberRecord | null> {
    const doc = await this.model.findById(memberKey(projectId, userId)).lean<MemberDoc>();
    return doc ? toMember(doc) : null;
  }

  async ofProject(projectId: string): Promise<ProjectMemberRecord[]> {
    return (await this.model.find({ project_id: projectId }).lean<MemberDoc[]>()).map(toMember);
  }

  async ofUser(userId: string): Promise<ProjectMemberRecord[]> {
    return (await this.model.find({ user_id: userId }).lean<MemberDoc[]>()).map(toMember);
  }
}
