/**
 * Cluster workers share one Unix socket path (`unlink: false`): one worker stopping must not
 * remove the socket file its siblings still serve on (the primary owns the listening handle).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from './helpers/support';

const FIXTURE = join(__dirname, '..', '..', 'spec', 'fixtures', 'cluster-worker-stop.js');

describe('cluster workers on one socket path', () => {
  it('keep serving after one worker stops: the socket file stays', async () => {
    const path = join(tempDir(), 'c.sock');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(process.execPath, [FIXTURE, path], { timeout: 20000 }, (err, out) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout: out });
      });
    });
    expect(JSON.parse(stdout.trim())).toEqual({ fileAfterStop: true, servedBy: 2 });
    expect(code).toBe(0);
  }, 25000);
});
