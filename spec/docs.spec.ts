/**
 * The docs are API documentation: every error code this library creates has its own heading
 * and a row in the table of docs/ERRORS.md (codes are API; STYLE 6.4), and the README's
 * node-ipc 14 migration section holds the profile table, the conflict table and the code
 * mapping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const errors = readFileSync(join(ROOT, 'docs', 'ERRORS.md'), 'utf8');
const codes = [...new Set(readFileSync(join(ROOT, 'src', 'errors.ts'), 'utf8').match(/'ERR_IPC_[A-Z_]+'/g) ?? [])].map((c) => c.slice(1, -1));

describe('README', () => {
  it('documents every IpcError code with a heading and a table row', () => {
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes) {
      expect(errors).withContext(code).toContain(`### \`${code}\``);
      expect(errors).withContext(code).toContain(`| \`${code}\` |`);
    }
  });

  it('has the node-ipc 14 profile table, conflict table and code mapping', () => {
    expect(readme).toContain('### Migrating from node-ipc 14');
    expect(readme).toContain('| behaviour | 9.x | 10.x | 14.x | node-ipc-ts (default) | node-ipc-ts (14 keys set) |');
    expect(readme).toContain('| profile | per message |');
    expect(readme).toContain('| node-ipc-ts before | now (node-ipc 14\'s) |');
  });
});
