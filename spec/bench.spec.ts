/**
 * `npm run bench` must keep working: the harness runs in a tiny configuration (one sample,
 * a few hundred messages). Only message counts are checked, through the harness's own
 * verification; no timing is asserted. The peers (ws, child_process, node-ipc 14) are
 * devDependencies or built in, so `npm ci` is all this needs.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { tempDir } from './helpers/support';
import { teardown } from './helpers/teardown';

const ROOT = join(__dirname, '..', '..');

interface LaneResult {
  name: string;
  subjects: Record<string, { na?: boolean; samples: number; timeouts: number; metrics: Record<string, { median: number }> }>;
}

const COLD_LANES = ['tput-unix', 'tput-tcp', 'rtt', 'large-1MiB', 'single-1MiB', 'broadcast', 'request', 'raw'];
const LIBRARIES = ['net-baseline', 'net-buffer', 'node-ipc-ts', 'node-ipc-ts-adv', 'achrinza-10', 'achrinza-9'];

function bench(args: string[], timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bench', 'run.js'), ...args], { cwd: ROOT, timeout },
      (err, o, e) => resolve({ code: err ? 1 : 0, stdout: o, stderr: e }));
  });
}

describe('npm run bench', () => {
  it('runs every cold lane for the node-ipc API libraries in a tiny configuration, with verified counts', async () => {
    const out = join(tempDir(), 'bench.json');
    const { code, stdout, stderr } = await bench(['--tiny', '--lanes', COLD_LANES.join(','), '--subjects', LIBRARIES.join(','),
      '--timeout', '30', '--out', out], 170000);
    expect(code).withContext(stderr).toBe(0);
    expect(stdout).toContain('| lane | metric | net-baseline | net-baseline (Buffer reader, before 2026-12) | node-ipc-ts |');
    const results = JSON.parse(readFileSync(out, 'utf8')) as { failures: unknown[]; lanes: LaneResult[] };
    expect(results.failures).toEqual([]);
    expect(results.lanes.map((l) => l.name)).toEqual(COLD_LANES);
    for (const lane of results.lanes) {
      expect(Object.keys(lane.subjects)).withContext(lane.name).toEqual(LIBRARIES);
      for (const [subject, summary] of Object.entries(lane.subjects)) {
        // Advanced serialization has no raw mode: that lane is n/a for it, and only that one.
        if (subject === 'node-ipc-ts-adv' && lane.name === 'raw') {
          expect(summary.na).withContext(`${lane.name} ${subject}`).toBe(true);
          continue;
        }
        expect(summary.samples).withContext(`${lane.name} ${subject}`).toBe(1);
        // The old packages may stall on large messages (a reported timeout); ours and the baselines may not.
        if (subject.startsWith('net-') || subject.startsWith('node-ipc-ts') || lane.name !== 'large-1MiB') {
          expect(summary.timeouts).withContext(`${lane.name} ${subject}`).toBe(0);
          expect(summary.metrics.serverRssMiB?.median).withContext(`${lane.name} ${subject}`).toBeGreaterThan(0);
        }
      }
    }
  }, 180000);

  it('runs the structured lanes for JSON, advanced, child_process and the bare-socket floor, with verified values', async () => {
    const out = join(tempDir(), 'bench.json');
    const lanes = ['string-1MiB', 'string-32MiB', 'buffer-1MiB', 'buffers-64MiB', 'objects-64B'];
    const subjects = ['net-baseline', 'net-bytes', 'node-ipc-ts', 'node-ipc-ts-adv', 'cp-advanced'];
    const { code, stdout, stderr } = await bench(['--tiny', '--lanes', lanes.join(','), '--subjects', subjects.join(','),
      '--timeout', '30', '--out', out], 120000);
    expect(code).withContext(stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { failures: unknown[]; lanes: LaneResult[] };
    expect(results.failures).toEqual([]);
    expect(results.lanes.map((l) => l.name)).toEqual(lanes);
    for (const lane of results.lanes) {
      for (const subject of subjects) {
        const summary = lane.subjects[subject];
        // net-bytes moves one large value per message: it has no small-object lane.
        if (subject === 'net-bytes' && lane.name === 'objects-64B') {
          expect(summary?.na).withContext(`${lane.name} ${subject}`).toBe(true);
          continue;
        }
        expect(summary?.samples).withContext(`${lane.name} ${subject}`).toBe(1);
        expect(summary?.timeouts).withContext(`${lane.name} ${subject}`).toBe(0);
      }
    }
    expect(stdout).toContain('| lane | metric | net-baseline | net-bytes (bare node:net, binary frames) | node-ipc-ts | node-ipc-ts advanced | child_process advanced |');
  }, 130000);

  it('runs warm lanes for the peers, prints the summary and draws the SVG chart', async () => {
    const dir = tempDir();
    const out = join(dir, 'bench.json');
    const svg = join(dir, 'bench.svg');
    const subjects = ['net-baseline', 'net-buffer', 'node-ipc-ts', 'node-ipc-14', 'ws', 'cp-json', 'cp-advanced'];
    const { code, stdout, stderr } = await bench(['--tiny', '--lanes', 'tput-unix-warm,raw-unix-warm', '--subjects', subjects.join(','),
      '--summary', '--svg', svg, '--timeout', '30', '--out', out], 60000);
    expect(code).withContext(stderr).toBe(0);
    const results = JSON.parse(readFileSync(out, 'utf8')) as { failures: unknown[]; lanes: LaneResult[]; summary: string };
    expect(results.failures).toEqual([]);
    expect(results.lanes.map((l) => l.name)).toEqual(['tput-unix-warm', 'raw-unix-warm']);
    for (const lane of results.lanes) {
      for (const subject of subjects) {
        const summary = lane.subjects[subject];
        expect(summary).withContext(`${lane.name} ${subject}`).toBeDefined();
        if (!summary) continue;
        // child_process has no byte-stream (raw) mode: n/a there, measured everywhere else.
        const na = subject.startsWith('cp-') && lane.name === 'raw-unix-warm';
        expect(Boolean(summary.na)).withContext(`${lane.name} ${subject}`).toBe(na);
        if (na) continue;
        expect(summary.timeouts).withContext(`${lane.name} ${subject}`).toBe(0);
        expect(summary.metrics.ms?.median).withContext(`${lane.name} ${subject}`).toBeGreaterThan(0);
        expect(summary.metrics.cpuUsPerMsg?.median).withContext(`${lane.name} ${subject}`).toBeGreaterThan(0);
      }
    }
    // --summary: only the summary table (machine, Node, date; one row per lane), not the detailed one.
    expect(stdout).not.toContain('| lane | metric |');
    expect(stdout).toContain(`Node ${process.version}`);
    expect(stdout).toMatch(/\| lane \| net-baseline \| net-baseline \(Buffer reader, before 2026-12\) \| node-ipc-ts \| node-ipc 14\.0\.0 guarded \| ws [\d.]+ \| child_process json \| child_process advanced \|/);
    expect(stdout).toMatch(/\| tput-unix-warm \| 1\.00x · [\d.]+ µs \| \*\*[\d.]+x\*\* · [\d.]+ µs \| \*\*[\d.]+x\*\* · /);
    expect(stdout).toMatch(/\| raw-unix-warm \|.*\| n\/a \| n\/a \|/);
    expect(results.summary).toBe(stdout.slice(stdout.indexOf('**Summary**'), stdout.indexOf('\n\nresults: ')));
    // The chart: one bar per measured lane and peer (the baseline is the 1.0x line), a colour per subject.
    const chart = readFileSync(svg, 'utf8');
    expect(chart.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="700"')).toBe(true);
    expect(chart.trimEnd().endsWith('</svg>')).toBe(true);
    expect(chart).toContain('net-baseline = 1.0x');
    expect((chart.match(/<rect [^>]*><title>/g) ?? []).length).toBe(6 + 4);
    expect(chart).toContain('>net-baseline (Buffer reader, before 2026-12)</text>');
    expect(chart).toContain('n/a child_process advanced');
    // --from: the same summary from the stored results, without running anything.
    const again = await bench(['--from', out, '--summary'], 20000);
    expect(again.code).withContext(again.stderr).toBe(0);
    expect(again.stdout).toContain(results.summary);
  }, 70000);

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

/** bench/subjects/net-baseline.js: the baseline must be correct for any chunking, or its figures mean nothing. */
interface TextFrames { push(chunk: string): void; pieces: string[] }
interface Baseline {
  TextFrames: new (onFrame: (frame: string) => void) => TextFrames;
  createServer(opts: object): Promise<{ on(type: string, fn: (data: unknown, conn: unknown) => void): void; emit(conn: unknown, type: string, data: unknown): void; close(): Promise<void> }>;
  createClient(opts: object): Promise<{ on(type: string, fn: (data: unknown) => void): void; emit(type: string, data: unknown): void; close(): void }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const baseline = require(join(ROOT, 'bench', 'subjects', 'net-baseline.js')) as Baseline;

/** The frames read from `bytes` cut at `cuts`, decoded as `socket.setEncoding('utf8')` does. */
function readFrames(bytes: Buffer, cuts: number[]): { frames: string[]; held: number } {
  const frames: string[] = [];
  const reader = new baseline.TextFrames((frame) => frames.push(frame));
  const decoder = new StringDecoder('utf8');
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const text = decoder.write(bytes.subarray(from, cut));
    // A readable stream with an encoding emits no empty chunk.
    if (text.length > 0) reader.push(text);
    from = cut;
  }
  return { frames, held: reader.pieces.length };
}

describe('bench net-baseline text reader', () => {
  // Characters of 1 to 4 UTF-8 bytes, an empty frame, frames shorter and longer than V8's 13-character slices.
  const frames = ['{"a":"é€𝄞x"}', '', '𝄞'.repeat(7), 'a plain ASCII frame longer than thirteen characters', 'ü', '€€', '{}'];
  const wire = Buffer.from(frames.map((f) => `${f}\f`).join(''), 'utf8');

  it('reads the same frames whatever two points the byte stream is cut at', () => {
    for (let a = 0; a <= wire.length; a++) {
      for (let b = a; b <= wire.length; b++) {
        const got = readFrames(wire, [a, b]);
        if (got.frames.join('\n') !== frames.join('\n') || got.frames.length !== frames.length || got.held !== 0) {
          fail(`cut at ${a} and ${b}: ${JSON.stringify(got)}`);
          return;
        }
      }
    }
  });

  it('reads a byte at a time, and joins a frame spanning 500 chunks once, when its delimiter arrives', () => {
    expect(readFrames(wire, Array.from({ length: wire.length }, (_, i) => i)).frames).toEqual(frames);
    const big = `"${'€'.repeat(100000)}"`;
    const bytes = Buffer.from(`${big}\f{}\f`, 'utf8');
    const cuts = Array.from({ length: 499 }, (_, i) => Math.floor(((i + 1) * bytes.length) / 500) + 1);
    const got = readFrames(bytes, cuts);
    expect(got.frames.length).toBe(2);
    expect(got.frames[0] === big).toBe(true);
    expect(got.frames[1]).toBe('{}');
    expect(got.held).toBe(0);
  });

  it('carries multi-byte messages of every size over a socket, in order', async () => {
    const dir = tempDir();
    const srv = await baseline.createServer({ transport: 'unix', path: join(dir, 's.sock') });
    teardown.add(() => srv.close());
    const received: unknown[] = [];
    const done = new Promise<void>((resolve) => srv.on('end', (_data, conn) => {
      srv.emit(conn, 'ack', received.length);
      resolve();
    }));
    srv.on('m', (data) => received.push(data));
    const cli = await baseline.createClient({ transport: 'unix', path: join(dir, 's.sock') });
    teardown.add(() => cli.close());
    const acked = new Promise<unknown>((resolve) => cli.on('ack', resolve));
    const sent = Array.from({ length: 300 }, (_, i) => ({ i, s: 'é€𝄞'.repeat(i % 7 === 0 ? 20000 + i : i) }));
    for (const data of sent) cli.emit('m', data);
    cli.emit('end', null);
    await done;
    expect(await acked).toBe(sent.length);
    expect(received).toEqual(sent);
  });
});
