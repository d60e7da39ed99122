import fs from 'node:fs';
import path from 'node:path';

const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** The README's `## Configuration` section: the tables of every variable each process reads. */
export const configurationSection = readme.slice(
  readme.indexOf('## Configuration'),
  readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
);
