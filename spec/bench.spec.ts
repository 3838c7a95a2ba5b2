/**
 * `npm run bench` must keep working: the harness runs in a tiny configuration (one sample,
 * a few hundred messages, every subject, every lane that has a tiny size). Only message
 * counts are checked, through the harness's own verification; no timing is asserted.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers/support';

const ROOT = join(__dirname, '..', '..');

interface LaneResult {
  name: string;
  subjects: Record<string, { samples: number; timeouts: number; metrics: Record<string, { median: number }> }>;
}

describe('npm run bench', () => {
  it('runs every lane for every subject in a tiny configuration, with verified counts', async () => {
    const out = join(tempDir(), 'bench.json');
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.js'), '--tiny', '--timeout', '30', '--out', out],
        { cwd: ROOT, timeout: 170000 }, (err, o, e) => resolve({ code: err ? 1 : 0, stdout: o, stderr: e }));
    });
    expect(code).withContext(stderr).toBe(0);
    expect(stdout).toContain('| lane | metric | net-baseline | node-ipc-ts |');
    const results = JSON.parse(readFileSync(out, 'utf8')) as { failures: unknown[]; lanes: LaneResult[] };
    expect(results.failures).toEqual([]);
    expect(results.lanes.map((l) => l.name)).toEqual(['tput-unix', 'tput-tcp', 'rtt', 'large-1MiB', 'single-1MiB', 'broadcast', 'request', 'raw']);
    for (const lane of results.lanes) {
      expect(Object.keys(lane.subjects)).withContext(lane.name).toEqual(['net-baseline', 'node-ipc-ts', 'achrinza-10', 'achrinza-9']);
      for (const [subject, summary] of Object.entries(lane.subjects)) {
        expect(summary.samples).withContext(`${lane.name} ${subject}`).toBe(1);
        // The old packages may stall on large messages (a reported timeout); ours and the baseline may not.
        if (subject === 'net-baseline' || subject === 'node-ipc-ts' || lane.name !== 'large-1MiB') {
          expect(summary.timeouts).withContext(`${lane.name} ${subject}`).toBe(0);
          expect(summary.metrics.serverRssMiB?.median).withContext(`${lane.name} ${subject}`).toBeGreaterThan(0);
        }
      }
    }
  }, 180000);

  it('--scale multiplies the messages of the small-message lanes only', async () => {
    const out = join(tempDir(), 'bench.json');
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'run.js'), '--tiny', '--scale', '2', '--lanes', 'tput-unix,single-1MiB',
        '--subjects', 'net-baseline,node-ipc-ts', '--timeout', '30', '--out', out],
      { cwd: ROOT, timeout: 60000 }, (err, _o, e) => resolve({ code: err ? 1 : 0, stderr: e }));
    });
    expect(code).withContext(stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { scale: number; failures: unknown[]; lanes: Array<{ name: string; params: { count: number } }> };
    expect(results.scale).toBe(2);
    expect(results.failures).toEqual([]);
    expect(results.lanes.map((l) => [l.name, l.params.count])).toEqual([['tput-unix', 600], ['single-1MiB', 1]]);
  }, 70000);
});
