/**
 * The docs are API documentation: every error code this library creates has its own heading
 * and a row in the table of docs/ERRORS.md (codes are API; STYLE 6.4), and docs/MIGRATION.md
 * holds node-ipc 14's profile table, the conflict table and the code mapping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const errors = readFileSync(join(ROOT, 'docs', 'ERRORS.md'), 'utf8');
const migration = readFileSync(join(ROOT, 'docs', 'MIGRATION.md'), 'utf8');
const codes = [...new Set(readFileSync(join(ROOT, 'src', 'errors.ts'), 'utf8').match(/'ERR_IPC_[A-Z_]+'/g) ?? [])].map((c) => c.slice(1, -1));

describe('docs', () => {
  it('documents every IpcError code with a heading and a table row', () => {
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes) {
      expect(errors).withContext(code).toContain(`### \`${code}\``);
      expect(errors).withContext(code).toContain(`| \`${code}\` |`);
    }
  });

  it('has the node-ipc 14 profile table, conflict table and code mapping', () => {
    expect(migration).toContain('## From node-ipc 14');
    expect(migration).toContain('| behaviour | 9.x | 10.x | 14.x | node-ipc-ts (default) | node-ipc-ts (14 keys set) |');
    expect(migration).toContain('| profile | per message |');
    expect(migration).toContain('| node-ipc-ts before | now (node-ipc 14\'s) |');
  });
});
