/**
 * After stop() and disconnect() the host process exits by itself: nothing keeps it alive.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './helpers/support';

const FIXTURE = join(__dirname, '..', '..', 'spec', 'fixtures', 'exit-after-stop.js');

describe('process lifetime', () => {
  for (const transport of ['unix', 'tcp']) {
    it(`a ${transport} server and client let the process exit after stop and disconnect`, async () => {
      const dir = tempDir();
      const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, [FIXTURE, transport, dir], { timeout: 15000, cwd: join(__dirname, '..') }, (err, out) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: out });
        });
        child.stdin?.end();
      });
      expect(stdout).toContain('pong {"n":1}');
      expect(stdout).toContain('stopped');
      expect(code).toBe(0);
    });
  }
});
