import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { listening, startFerretDb, managed, spawnLogged, type ManagedProcess } from './infra.js';
import { keepOrStart, type Starter, type Supervisor } from './supervisor.js';

/** The embedded MongoDB wire-protocol server's storage engine. */
export const EMBEDDED_ENGINES = ['postgresql', 'sqlite'] as const;
export type EmbeddedEngine = (typeof EMBEDDED_ENGINES)[number];

/** EMBEDDED_DB as the scripts read it: unset means PostgreSQL. */
export function embeddedEngine(value: string | undefined): EmbeddedEngine {
  if (value === undefined || value === '') return 'postgresql';
  if ((EMBEDDED_ENGINES as readonly string[]).includes(value)) return value as EmbeddedEngine;
  throw new Error(`EMBEDDED_DB must be one of ${EMBEDDED_ENGINES.join(', ')}, not "${value}"`);
}

/**
 * FerretDB's connection pool to PostgreSQL. An update holds one pooled connection for
 * its read while it waits for a second one for its write, so the pool deadlocks once
 * half of it is held by such reads: the clients' pools together (MONGO_POOL_SIZE per
 * process, see stackEnv) must stay below half of this.
 */
export const FERRETDB_PG_POOL = 400;

/**
 * Makes FerretDB's equality filters use an index. FerretDB on PostgreSQL filters with
 * `_jsonb->'field' @> value`, which the btree index it creates for a MongoDB index
 * (`(_jsonb->'field')`) cannot serve, so every lookup would scan the table. For every
 * btree index on such an expression, this event trigger adds a GIN `jsonb_path_ops`
 * index on the same expression (fastupdate off: a pending list is scanned by every
 * query). Embedded-only: a real MongoDB needs nothing of the kind.
 */
const GIN_TWIN_SQL = String.raw`
CREATE OR REPLACE FUNCTION tollgate_gin_twins(index_oid oid) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  tbl regclass; am text; ncols int; expr text; twin text;
BEGIN
  SELECT i.indrelid::regclass, a.amname, i.indnatts INTO tbl, am, ncols
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
   WHERE i.indexrelid = index_oid;
  IF am IS DISTINCT FROM 'btree' THEN RETURN; END IF;
  FOR col IN 1..ncols LOOP
    expr := pg_get_indexdef(index_oid, col, false);
    CONTINUE WHEN expr !~ '^\(\(_jsonb -> ''[^'']+''::text\)\)$';
    twin := 'tg_gin_' || md5(tbl::text || expr);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops) WITH (fastupdate = off)', twin, tbl, expr);
  END LOOP;
END $fn$;

CREATE OR REPLACE FUNCTION tollgate_gin_twins_on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM tollgate_gin_twins(cmd.objid);
  END LOOP;
END $fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'tollgate_gin_twins') THEN
    CREATE EVENT TRIGGER tollgate_gin_twins ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
      EXECUTE FUNCTION tollgate_gin_twins_on_ddl();
  END IF;
END $do$;

-- Indexes made before the trigger existed get their twins too.
SELECT tollgate_gin_twins(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema');
`;

/** PostgreSQL's server binaries: PG_BIN when given, else the newest Debian install. */
export function postgresBinDir(override?: string): string {
  const candidates = override
    ? [override]
    : fs.existsSync('/usr/lib/postgresql')
      ? fs
          .readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'postgres')));
  if (!dir) throw new Error('PostgreSQL server binaries not found: run scripts/ensure-tools.sh, set PG_BIN, or set EMBEDDED_DB=sqlite');
  return dir;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` (else `nobody`) account. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody account exists to run PostgreSQL');
}

/** The account must own its data directory and be able to reach it through every parent. */
function handOver(dir: string, account: { uid: number; gid: number } | undefined): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!account) return;
  fs.chownSync(dir, account.uid, account.gid);
  for (let p = path.dirname(dir); p !== path.dirname(p); p = path.dirname(p)) {
    const mode = fs.statSync(p).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(p, (mode & 0o7777) | 0o001);
  }
}

function runChecked(cmd: string, args: string[], account: { uid: number; gid: number } | undefined, input?: string): string {
  const res = spawnSync(cmd, args, { encoding: 'utf8', input, cwd: os.tmpdir(), ...account });
  if (res.status !== 0) throw new Error(`${path.basename(cmd)} failed (${String(res.status)}): ${res.stderr || res.stdout}`);
  return res.stdout;
}

/**
 * PostgreSQL for FerretDB, with its cluster in dataDir (initdb on first start). Only
 * loopback TCP, no socket file. Every commit waits for its WAL record to be written
 * (synchronous_commit on): a crash of PostgreSQL must not lose an acknowledged write — a
 * journal insert is the money path's commit point. `durable: false` (tests, benchmarks)
 * turns fsync off: then only a crash of the machine can lose the last writes.
 */
export async function startPostgres(opts: {
  binDir: string;
  dataDir: string;
  port?: number;
  logFile?: string;
  durable?: boolean;
}): Promise<ManagedProcess> {
  const account = serverAccount();
  handOver(opts.dataDir, account);
  if (!fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    runChecked(path.join(opts.binDir, 'initdb'), ['-D', opts.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], account);
  }
  const port = opts.port ?? (await freePort());
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    max_connections: String(FERRETDB_PG_POOL + 20),
    shared_buffers: '128MB',
    synchronous_commit: 'on',
    fsync: opts.durable === false ? 'off' : 'on',
    full_page_writes: opts.durable === false ? 'off' : 'on',
    logging_collector: 'off',
  };
  const args = ['-D', opts.dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawnLogged(path.join(opts.binDir, 'postgres'), args, opts.logFile, { ...account });
  await listening(child, 'postgres', port, { logFile: opts.logFile });
  // The port opens before the server accepts sessions ("the database system is starting up").
  for (const until = Date.now() + 60_000; ;) {
    if (spawnSync(path.join(opts.binDir, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0) break;
    if (child.exitCode !== null || Date.now() > until)
      throw new Error(`postgres did not accept sessions${opts.logFile ? `; see ${opts.logFile}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // SIGINT is PostgreSQL's "fast" shutdown: abort open sessions, checkpoint, exit.
  return managed(child, `postgres://postgres@127.0.0.1:${port}`, port, 'SIGINT');
}

/** Creates FerretDB's database and installs the GIN-twin trigger (idempotent). */
function prepareFerretDbDatabase(binDir: string, pgUrl: string): void {
  const psql = (db: string, sql: string) =>
    runChecked(path.join(binDir, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `${pgUrl}/${db}`], undefined, sql);
  const exists = psql('postgres', "SELECT 'yes' FROM pg_database WHERE datname = 'ferretdb';\n");
  if (!exists.includes('yes')) psql('postgres', 'CREATE DATABASE ferretdb;\n');
  psql('ferretdb', GIN_TWIN_SQL);
}

export interface EmbeddedMongo extends ManagedProcess {
  engine: EmbeddedEngine;
}

/** FerretDB's handle (its `process` follows restarts) as the embedded MongoDB. */
function embedded(ferret: ManagedProcess, engine: EmbeddedEngine, stop: () => Promise<void>): EmbeddedMongo {
  return {
    url: ferret.url,
    port: ferret.port,
    get process() {
      return ferret.process;
    },
    kill: () => ferret.kill(),
    stop,
    engine,
  };
}

/**
 * The embedded MongoDB: FerretDB v1 on PostgreSQL (default) or on SQLite, with its data in
 * dataDir. stop() stops FerretDB, then its PostgreSQL; kill() kills FerretDB alone. Under a
 * supervisor, each of the two is started again when it crashes.
 */
export async function startEmbeddedMongo(opts: {
  engine: EmbeddedEngine;
  ferretdbBin: string;
  pgBinDir?: string;
  dataDir: string;
  logDir?: string;
  durable?: boolean;
  supervisor?: Supervisor;
}): Promise<EmbeddedMongo> {
  const log = (name: string) => (opts.logDir ? path.join(opts.logDir, name) : undefined);
  const keep = (name: string, start: Starter) => keepOrStart(opts.supervisor, name, start);
  if (opts.engine === 'sqlite') {
    const ferret = await keep('ferretdb', (port) =>
      startFerretDb({ bin: opts.ferretdbBin, dataDir: path.join(opts.dataDir, 'ferretdb'), logFile: log('ferretdb.log'), port }),
    );
    return embedded(ferret, 'sqlite', () => ferret.stop());
  }
  const binDir = postgresBinDir(opts.pgBinDir);
  const pg = await keep('postgresql', (port) =>
    startPostgres({ binDir, dataDir: path.join(opts.dataDir, 'postgresql'), logFile: log('postgresql.log'), durable: opts.durable, port }),
  );
  try {
    prepareFerretDbDatabase(binDir, pg.url);
    const ferret = await keep('ferretdb', (port) =>
      startFerretDb({
        bin: opts.ferretdbBin,
        dataDir: path.join(opts.dataDir, 'ferretdb-state'),
        logFile: log('ferretdb.log'),
        postgresqlUrl: `${pg.url}/ferretdb?pool_max_conns=${FERRETDB_PG_POOL}`,
        port,
      }),
    );
    return embedded(ferret, 'postgresql', async () => {
      await ferret.stop();
      await pg.stop();
    });
  } catch (err) {
    await pg.stop();
    throw err;
  }
}
