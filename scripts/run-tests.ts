import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ferretdbBinary, mailpitBinary, startEmbeddedMongo, startMailpit, startRedis, type ManagedProcess } from '@tollgate/devkit';
import { scriptEnv } from './config.js';

const root = path.resolve(import.meta.dirname, '..');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      out += chunk.toString();
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const started: ManagedProcess[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-test-'));
let exitCode = 1;
try {
  const t0 = Date.now();
  let mongoUrl = scriptEnv.mongoUrl;
  if (!mongoUrl) {
    const mongo = await startEmbeddedMongo({
      engine: scriptEnv.embeddedDb,
      ferretdbBin: ferretdbBinary(root, scriptEnv.ferretdbBin),
      pgBinDir: scriptEnv.pgBin,
      dataDir: path.join(tmp, 'db'),
      logDir: tmp,
      durable: false,
    });
    started.push(mongo);
    mongoUrl = mongo.url;
  }
  let redisUrl = scriptEnv.redisUrl;
  if (!redisUrl) {
    const redis = await startRedis({ logFile: path.join(tmp, 'redis.log') });
    started.push(redis);
    redisUrl = redis.url;
  }
  // Mail: one Mailpit for the run (tests read what reached an address over its API), or SMTP_URL's server.
  let smtpUrl = scriptEnv.smtpUrl;
  let mailpitUrl = scriptEnv.mailpitUrl;
  if (!smtpUrl) {
    const mailpit = await startMailpit({ bin: mailpitBinary(root, scriptEnv.mailpitBin), logFile: path.join(tmp, 'mailpit.log') });
    started.push(mailpit);
    smtpUrl = mailpit.smtpUrl;
    mailpitUrl = mailpit.apiUrl;
  }
  console.log(
    `[test] mongo ${mongoUrl}${scriptEnv.mongoUrl ? '' : ` (FerretDB on ${scriptEnv.embeddedDb})`}  redis ${redisUrl}  smtp ${scriptEnv.smtpUrl ? 'SMTP_URL' : smtpUrl}`,
  );

  const env = {
    ...scriptEnv.passthrough,
    TEST_MONGO_URL: mongoUrl,
    TEST_REDIS_URL: redisUrl,
    TEST_SMTP_URL: smtpUrl,
    ...(mailpitUrl ? { TEST_MAILPIT_URL: mailpitUrl } : {}),
    FORCE_COLOR: '0',
  };
  // Sources (project references) first, then every test file against them; then the lint.
  let failedCheck = '';
  if (scriptEnv.typecheck) {
    let tsc = await run('npx', ['tsc', '-b', 'tsconfig.json'], env);
    if (tsc.code === 0) tsc = await run('npx', ['tsc', '-p', 'tsconfig.tests.json'], env);
    if (tsc.code !== 0) failedCheck = 'type-check failed';
  }
  if (!failedCheck && scriptEnv.lint) {
    const lint = await run('npm', ['run', '--silent', 'lint'], env);
    if (lint.code !== 0) failedCheck = 'lint failed: see `npm run lint` above; `npm run format` fixes formatting and what ESLint can';
  }
  if (failedCheck) {
    console.log(`[test] ${failedCheck}`);
    console.log('tests: 0 passed, 1 failed');
  } else {
    const ava = await run('npx', ['ava', ...process.argv.slice(2)], env, true);
    const count = (re: RegExp) => Number(re.exec(ava.out)?.[1] ?? 0);
    // ava prints "N tests passed" only when nothing failed; count its check marks instead.
    const passed = (ava.out.match(/^\s*✔/gm) ?? []).length;
    const failed =
      count(/(\d+) tests? failed/) +
      count(/(\d+) uncaught exceptions?/) +
      count(/(\d+) unhandled rejections?/) +
      count(/(\d+) tests? timed out/) +
      count(/(\d+) tests? remained pending/);
    console.log(`[test] finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`tests: ${passed} passed, ${failed} failed`);
    exitCode = ava.code;
  }
} finally {
  for (const p of started.reverse()) await p.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
