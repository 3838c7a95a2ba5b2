/**
 * `npm run demo` must keep working: it runs every transport leg in child processes and
 * exits 0 on its own.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('npm run demo', () => {
  it('runs every leg (unix, tcp, tls, udp4; json and raw; the async API) and exits 0', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'example', 'demo.js')], { cwd: ROOT, timeout: 60000 }, (err, out) => {
        resolve({ code: err ? 1 : 0, stdout: out });
      });
    });
    expect(stdout).toContain('all legs passed');
    for (const leg of ['unix/json', 'unix/raw', 'tcp/json', 'tcp/raw', 'tls/json', 'tcp/async', 'udp4/json', 'udp4/raw']) {
      expect(stdout).withContext(leg).toContain(`[${leg} client] <- `);
    }
    expect(stdout).toContain('<- message {"echo":"hello","from":"world"}');
    expect(stdout).toContain('[tcp/async client] <- reply {"echo":0,"from":"world"}');
    expect(code).toBe(0);
  }, 70000);
});
