/**
 * `npm run soak` for a few seconds: mixed traffic, restarts and garbage on unix, tcp, tls
 * and udp4; it exits 0 only with nothing lost, nothing repeated and no growth.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'soak.js');

interface Leg { sent: number; received: number; restarts: number; garbageErrors: number }

describe('the soak script', () => {
  it('runs 4 s of traffic, restarts and garbage on every transport with no loss and no growth', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [SCRIPT, '--seconds', '4', '--restart-every', '1', '--json'], { timeout: 40000 }, (err: (Error & { code?: unknown }) | null, out: string, errOut: string) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout: out, stderr: errOut });
      });
    });
    const summary = JSON.parse(stdout.trim().split('\n').pop() as string) as { ok: boolean; failures: string[]; transports: Record<string, Leg> };
    expect(summary.failures).withContext(stderr).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(code).toBe(0);
    expect(Object.keys(summary.transports).sort()).toEqual(['tcp', 'tls', 'udp4', 'unix']);
    for (const name of ['unix', 'tcp', 'tls']) {
      const leg = summary.transports[name] as Leg;
      expect(leg.sent).withContext(name).toBeGreaterThan(10);
      expect(leg.received).withContext(name).toBe(leg.sent);
      expect(leg.garbageErrors).withContext(name).toBeGreaterThan(0);
    }
    const restarts = ['unix', 'tcp', 'tls'].reduce((n, name) => n + (summary.transports[name] as Leg).restarts, 0);
    expect(restarts).toBeGreaterThanOrEqual(3);
  }, 60000);
});
