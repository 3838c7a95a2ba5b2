/**
 * After `server.stop()` and `disconnect` of its clients, a child process exits by itself
 * on every transport: no handle or timer is left dangling.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/support';
import { FIXTURES } from '../helpers/hardening';

const FIXTURE = join(FIXTURES, 'exit-every-transport.js');

describe('process exit after stop and disconnect', () => {
  for (const transport of ['unix', 'tcp', 'tls', 'udp4']) {
    it(`lets a ${transport} process exit on its own`, async () => {
      const dir = tempDir();
      const { code, signal, stdout } = await new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) => {
        execFile(process.execPath, [FIXTURE, transport, dir], { timeout: 15000 }, (err, out) => {
          const failure = err as (Error & { code?: unknown; signal?: string | null }) | null;
          resolve({ code: failure ? (typeof failure.code === 'number' ? failure.code : -1) : 0, signal: failure?.signal ?? null, stdout: out });
        });
      });
      expect(stdout).toContain('pong {"n":1}');
      expect(stdout).toContain('stopped');
      expect(signal).withContext('killed by the timeout: something kept the process alive').toBeNull();
      expect(code).toBe(0);
    }, 20000);
  }
});
