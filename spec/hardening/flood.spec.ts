/**
 * A fast sender flooding a slow receiver (scripts/flood.js, the receiver in a child process)
 * keeps both processes' memory bounded when the sender honours emit()'s return value, or
 * when maxPendingBytes is set. The script prints the real curve; these bounds are generous
 * (GC slack on a loaded machine) yet far below what the ignoring sender reaches (about
 * 100 MB more per second, see the report).
 *
 * RSS includes garbage, so the maxPendingBytes spec bounds what the sender still holds after
 * a full collection at the end (`retainedMB`, the script under --expose-gc). Measured over
 * 2 s on a loaded 2-core machine: an unlimited sender (--mode ignore) held 290 MB, the
 * limited one 8 MB.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'flood.js');

interface Summary {
  sent: number;
  received: number;
  errors: number;
  errorCodes: Record<string, number>;
  sender: { growthMB: number; retainedMB?: number };
  receiver: { growthMB: number };
}

function flood(args: string[]): Promise<Summary> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', SCRIPT, '--json', '--seconds', '2', ...args], { timeout: 30000 }, (err: Error | null, stdout: string) => {
      if (err) {
        reject(err);
        return;
      }
      const last = stdout.trim().split('\n').pop() as string;
      resolve(JSON.parse(last) as Summary);
    });
  });
}

describe('a flood into a slow receiver', () => {
  for (const transport of ['unix', 'tcp']) {
    it(`keeps both RSS bounded when the sender waits for drain (${transport})`, async () => {
      const summary = await flood(['--mode', 'honour', '--transport', transport]);
      expect(summary.errors).toBe(0);
      expect(summary.received).toBeGreaterThan(100);
      // 64 KiB messages, a 16 KiB high-water mark: what waits is a few messages. 64 MB covers GC slack.
      expect(summary.sender.growthMB).toBeLessThan(64);
      expect(summary.receiver.growthMB).toBeLessThan(64);
    }, 40000);
  }

  it('keeps both RSS bounded when the sender ignores emit() but sets maxPendingBytes (8 MiB)', async () => {
    const summary = await flood(['--mode', 'pending']);
    // The limit closes the connection again and again: each time an ERR_IPC_BACKPRESSURE,
    // and no other error.
    expect(summary.errors).toBeGreaterThan(0);
    expect(summary.errorCodes).toEqual({ ERR_IPC_BACKPRESSURE: summary.errors });
    // Held at most: pending (8 MiB) + the offline buffer (8 MiB); 32 MB leaves slack for the
    // runtime and is far below the 290 MB an unlimited sender held in the same run.
    expect(summary.sender.retainedMB).toBeDefined();
    expect(summary.sender.retainedMB).toBeLessThan(32);
    expect(summary.receiver.growthMB).toBeLessThan(64);
  }, 40000);
});
