import { Schema, type Connection, type Model } from 'mongoose';
import { timeOrderedId, type IpRuleAction, type IpRuleScope } from '@tollgate/platform';
import type { IpRuleRecord } from '../domain/records.js';
import type { IpRuleRepository } from '../domain/repositories.js';

interface IpRuleDoc {
  _id: string;
  cidr: string;
  action: IpRuleAction;
  scope: IpRuleScope;
  description: string;
  created_at: Date;
  created_by: string;
}

interface VersionDoc {
  /** One document: `ip_rules`. */
  _id: string;
  version: string;
}

const ipRuleSchema = new Schema<IpRuleDoc>(
  {
    _id: { type: String, required: true },
    cidr: { type: String, required: true },
    action: { type: String, required: true },
    scope: { type: String, required: true },
    description: { type: String, default: '' },
    created_at: { type: Date, required: true },
    created_by: { type: String, required: true },
  },
  { collection: 'ip_rules', versionKey: false },
);

const versionSchema = new Schema<VersionDoc>(
  { _id: { type: String, required: true }, version: { type: String, required: true } },
  { collection: 'ip_rule_versions', versionKey: false },
);

const toRecord = (d: IpRuleDoc): IpRuleRecord => ({
  id: d._id,
  cidr: d.cidr,
  action: d.action,
  scope: d.scope,
  description: d.description,
  createdAt: d.created_at,
  createdBy: d.created_by,
});

/**
 * IP rules are few and read whole. Their version is a fresh unique value on every change, not
 * a counter: two changes at once on FerretDB (no atomic increments) could both write the same
 * next number, and a gateway that had read the first would miss the second.
 */
export function createIpRuleStore(conn: Connection): IpRuleRepository {
  const rules: Model<IpRuleDoc> = (conn.models.IpRule as Model<IpRuleDoc> | undefined) ?? conn.model<IpRuleDoc>('IpRule', ipRuleSchema);
  const versions: Model<VersionDoc> =
    (conn.models.IpRuleVersion as Model<VersionDoc> | undefined) ?? conn.model<VersionDoc>('IpRuleVersion', versionSchema);
  return {
    async list() {
      const docs = await rules.find().sort({ _id: 1 }).lean<IpRuleDoc[]>();
      return docs.map(toRecord);
    },
    async insert(rule) {
      await rules.create({
        _id: rule.id,
        cidr: rule.cidr,
        action: rule.action,
        scope: rule.scope,
        description: rule.description,
        created_at: rule.createdAt,
        created_by: rule.createdBy,
      });
    },
    // Of two deletions at once only the one whose delete removed it answers the rule (FerretDB's findAndModify is not atomic).
    async remove(id) {
      const doc = await rules.findById(id).lean<IpRuleDoc>();
      if (!doc || (await rules.deleteOne({ _id: id })).deletedCount === 0) return null;
      return toRecord(doc);
    },
    async version() {
      const doc = await versions.findById('ip_rules').lean<VersionDoc>();
      return doc?.version ?? '';
    },
    async changed() {
      await versions.replaceOne({ _id: 'ip_rules' }, { version: timeOrderedId('ipv') }, { upsert: true });
    },
  };
}
