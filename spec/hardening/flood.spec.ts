/**
 * A fast sender flooding a slow receiver (scripts/flood.js, the receiver in a child process)
 * keeps both processes' memory bounded when the sender honours emit()'s return value, or
 * when maxPendingBytes is set. The script prints the real curve; these bounds are generous
 * (GC slack on a loaded machine) yet far below what the ignoring sender reaches (about
 * 100 MB more per second, see the report).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'flood.js');

interface Summary {
  sent: number;
  received: number;
  errors: number;
  sender: { growthMB: number };
  receiver: { growthMB: number };
}

function flood(args: string[]): Promise<Summary> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, '--json', '--seconds', '2', ...args], { timeout: 30000 }, (err: Error | null, stdout: string) => {
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
    // The limit closes the connection again and again: each time an ERR_IPC_BACKPRESSURE.
    expect(summary.errors).toBeGreaterThan(0);
    // Pending (8 MiB) + the offline buffer (8 MiB) + the garbage of dropped messages: bounded,
    // 32 x maxPendingBytes leaves room for GC slack.
    expect(summary.sender.growthMB).toBeLessThan(256);
    expect(summary.receiver.growthMB).toBeLessThan(64);
  }, 40000);
});
