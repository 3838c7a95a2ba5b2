/**
 * `node-ipc-ts conformance` (docs/PROTOCOL.md §11) against the reference implementations, run
 * as a user runs it: the built command starting the adapters of conformance/adapters/.
 *
 * - node-ipc-ts, server and client: every case passes.
 * - @achrinza/node-ipc 9.2.9 and 10.1.11, server and client: every case passes except the ones
 *   listed below, each with the reason PROTOCOL.md's compatibility notes give; the kit is run
 *   with that list as --expect-fail, so a case that starts passing (XPASS) fails the spec too.
 * - The Python peer (peers/python/conformance_adapter.py), server and client: every case passes
 *   (pending only when `python3` is not there).
 * - A deliberately broken peer: FAIL lines and exit 1, so the kit is known to be able to fail.
 * - The document and the kit change together: every case is in §11.3 with its section, and
 *   every section it names exists.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CASES } from '../../src/cli/conformance/cases';
import { runPlan } from '../../src/cli/conformance/runner';
import { caseLine, summaryLine } from '../../src/cli/output';
import { tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { cli } from './cli-process';

const ROOT = join(__dirname, '..', '..', '..');
const ADAPTERS = join(ROOT, 'conformance', 'adapters');
const BROKEN = join(ROOT, 'spec', 'fixtures', 'conformance-broken-peer.js');
const NODE = process.execPath;
/** The per-wait timeout the specs give the kit: short, as the expected failures of the old packages are waits that time out. */
const TIMEOUT = '2000';
const SPEC_MS = 90000;
const LINE = /^(PASS|FAIL|SKIP|XFAIL|XPASS) (\S+) \(§([\d.]+)\)(?:: (.*))?$/;

/** What the old packages fail, and why (docs/PROTOCOL.md, the compatibility notes of each section). */
const OLD_FAILURES: Readonly<Record<string, string>> = {
  'framing.frame-and-partial-next': '§2.2: 9/10 parse their buffer only when a read ends exactly on the delimiter, so a frame that arrives with the start of the next waits',
  'raw.binary-all-byte-values': '§4: 9/10 decode raw chunks as text (config.encoding) and encode them back, so bytes that are not UTF-8 become U+FFFD',
  'delimiter.crlf': '§2.1: 9/10 deliver nothing with a delimiter longer than one character (they compare the last character of their buffer with it)',
};

interface KitRun {
  code: number | null;
  lines: string[];
  results: Map<string, { result: string; section: string; detail: string | undefined }>;
  summary: string;
  printed: string;
}

function runOf(code: number | null, lines: string[], printed: string): KitRun {
  const results = new Map<string, { result: string; section: string; detail: string | undefined }>();
  for (const line of lines) {
    const match = LINE.exec(line);
    if (match !== null) results.set(match[2] as string, { result: match[1] as string, section: match[3] as string, detail: match[4] });
  }
  return { code, lines, results, summary: lines[lines.length - 1] ?? '', printed };
}

/** The command, as a user runs it. */
async function kit(args: readonly string[]): Promise<KitRun> {
  const proc = cli(['conformance', '--timeout', TIMEOUT, ...args]);
  const { code } = await proc.exit(SPEC_MS - 5000);
  return runOf(code, proc.lines, proc.printed());
}

/** The kit's runner in this process (what the command runs, measured by the coverage of npm test). */
async function kitHere(role: 'server' | 'client', command: string[]): Promise<KitRun> {
  const lines: string[] = [];
  let stderr = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const tally = await runPlan({ role, command, dir: tempDir(), timeout: Number(TIMEOUT), cases: CASES, expectFail: new Set() },
    (line) => lines.push(caseLine(line)), sink, { stopped: false });
  lines.push(summaryLine(tally, false));
  return runOf(tally.failed > 0 ? 1 : 0, lines, `${lines.join('\n')}\n--- stderr\n${stderr}`);
}

/** Checks a run: `expected` maps case names to results; every other case must PASS. */
function check(run: KitRun, expected: Readonly<Record<string, string>>, code: number): void {
  expect(run.code).withContext(run.printed).toBe(code);
  for (const c of CASES) {
    const got = run.results.get(c.name);
    expect(got?.result).withContext(`${c.name}\n${run.printed}`).toBe(expected[c.name] ?? 'PASS');
    expect(got?.section).withContext(c.name).toBe(c.section);
  }
}

/**
 * Resolves once `path` accepts a connection: the contract's readiness rule (§11.1), which the
 * kit applies itself in its command forms. Nothing else tells another process it listens.
 */
async function accepting(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection(path, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (attempt === 200) throw new Error(`${path} accepted no connection`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const counts = (expected: Readonly<Record<string, string>>, result: string): number => Object.values(expected).filter((r) => r === result).length;

describe('conformance kit: node-ipc-ts', () => {
  for (const role of ['server', 'client'] as const) {
    it(`passes every case as a ${role}`, async () => {
      const run = await kitHere(role, [NODE, join(ADAPTERS, 'node-ipc-ts.js'), role]);
      const expected: Record<string, string> = role === 'client' ? { 'broadcast.all-connections': 'SKIP' } : {};
      check(run, expected, 0);
      expect(run.summary).toBe(`${CASES.length - counts(expected, 'SKIP')} passed, 0 failed, ${counts(expected, 'SKIP')} skipped`);
    }, SPEC_MS);
  }
});

for (const version of ['9', '10'] as const) {
  describe(`conformance kit: @achrinza/node-ipc ${version === '9' ? '9.2.9' : '10.1.11'}`, () => {
    // Both roles at once: most of a run is the expected failures' waits, idle time that
    // overlaps; each run has its own sockets and processes, so the results do not depend on it.
    it('passes every case but the ones its documented behaviour fails, as a server and as a client', async () => {
      const failures = Object.keys(OLD_FAILURES);
      const runs = await Promise.all((['server', 'client'] as const).map((role) =>
        kit([`--${role}`, '--expect-fail', failures.join(','), '--', NODE, join(ADAPTERS, 'achrinza-node-ipc.js'), role, version])));
      for (const [index, run] of runs.entries()) {
        const expected: Record<string, string> = Object.fromEntries(failures.map((name) => [name, 'XFAIL']));
        if (index === 1) expected['broadcast.all-connections'] = 'SKIP';
        check(run, expected, 0);
        const skipped = counts(expected, 'SKIP');
        expect(run.summary).toBe(`${CASES.length - failures.length - skipped} passed, 0 failed, ${skipped} skipped, ${failures.length} expected failures`);
      }
    }, SPEC_MS);
  });
}

const PYTHON = process.env.PYTHON ?? 'python3';
const PYTHON_ADAPTER = join(ROOT, 'peers', 'python', 'conformance_adapter.py');
const pythonProbe = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });

describe('conformance kit: the Python peer (peers/python)', () => {
  it('passes every case as a server and as a client', async () => {
    if (pythonProbe.error !== undefined) pending(`${PYTHON} is not on PATH (${pythonProbe.error.message})`);
    const runs = await Promise.all((['server', 'client'] as const).map((role) => kit([`--${role}`, '--', PYTHON, PYTHON_ADAPTER, role])));
    for (const [index, run] of runs.entries()) {
      const expected: Record<string, string> = index === 1 ? { 'broadcast.all-connections': 'SKIP' } : {};
      check(run, expected, 0);
      const skipped = counts(expected, 'SKIP');
      expect(run.summary).toBe(`${CASES.length - skipped} passed, 0 failed, ${skipped} skipped`);
    }
  }, SPEC_MS);
});

describe('conformance kit: a broken peer', () => {
  it('prints FAIL (and XPASS for a stale --expect-fail) and exits 1', async () => {
    const run = await kit(['--server', '--case', 'framing.one-frame,unicode.form-feed-in-string,close.graceful-after-last-frame',
      '--expect-fail', 'framing.one-frame', '--', NODE, BROKEN]);
    expect(run.code).withContext(run.printed).toBe(1);
    expect(run.results.get('framing.one-frame')?.result).withContext(run.printed).toBe('XPASS');
    expect(run.results.get('unicode.form-feed-in-string')).withContext(run.printed).toEqual(jasmine.objectContaining({ result: 'FAIL', detail: jasmine.stringMatching(/not JSON/) }));
    expect(run.results.get('close.graceful-after-last-frame')).withContext(run.printed).toEqual(jasmine.objectContaining({ result: 'FAIL', detail: jasmine.stringMatching(/farewell 3 of 3/) }));
    expect(run.summary).toBe('0 passed, 3 failed, 0 skipped, 0 expected failures');
  }, SPEC_MS);

  it('fails, never hangs, when the command exits at once or is not there', async () => {
    for (const [role, ...command] of [['--server', NODE, '-e', 'process.exit(3)'], ['--client', NODE, '-e', 'process.exit(3)'], ['--client', join(ROOT, 'no-such-command')]]) {
      const run = await kit([role as string, '--case', 'framing.one-frame', '--', ...command]);
      expect(run.code).withContext(run.printed).toBe(1);
      expect(run.results.get('framing.one-frame')).withContext(run.printed).toEqual(jasmine.objectContaining({ result: 'FAIL', detail: jasmine.stringMatching(/not ready/) }));
    }
  }, SPEC_MS);
});

describe('conformance kit: --server <target>, --json', () => {
  it('runs against a server already running, and skips the modes it was not given', async () => {
    const path = join(tempDir(), 'app.world');
    const server = spawn(NODE, [join(ADAPTERS, 'node-ipc-ts.js'), 'server'], { env: { ...process.env, NODE_IPC_CONFORMANCE_TARGET: `unix:${path}`, NODE_IPC_CONFORMANCE_MODE: 'json', NODE_IPC_CONFORMANCE_DELIMITER: '"\\f"' }, stdio: 'ignore' });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    teardown.add(async () => {
      server.kill('SIGKILL');
      await exited;
    });
    await accepting(path);
    const proc = cli(['conformance', '--server', path, '--case', 'framing.one-frame,request.reply-shape,raw.echo-bytes', '--json']);
    expect((await proc.exit(SPEC_MS - 5000)).code).withContext(proc.printed()).toBe(0);
    const records = proc.records();
    const byName = new Map(records.filter((r) => r.event === 'case').map((r) => [r.name, r]));
    expect(byName.get('framing.one-frame')).toEqual(jasmine.objectContaining({ result: 'pass', section: '2.1' }));
    expect(byName.get('request.reply-shape')).toEqual(jasmine.objectContaining({ result: 'pass', section: '6.2' }));
    expect(byName.get('raw.echo-bytes')).toEqual(jasmine.objectContaining({ result: 'skip', detail: jasmine.stringMatching(/--raw-server/) }));
    expect(records[records.length - 1]).toEqual(jasmine.objectContaining({ event: 'summary', passed: 2, failed: 0, skipped: 1 }));
  }, SPEC_MS);

  it('refuses a bad command line with exit 2', async () => {
    for (const args of [[], ['--server'], ['--client', 'x'], ['--server', 'x', '--case', 'no.such-case'], ['--server', 'x', '--timeout', '0'],
      ['--client', '--raw-server', 'y', '--', 'node'], ['--server', 'udp4://127.0.0.1:5000']]) {
      const proc = cli(['conformance', ...args]);
      expect((await proc.exit()).code).withContext(args.join(' ')).toBe(2);
      expect(proc.stderr).withContext(args.join(' ')).toMatch(/^error: /);
    }
  }, SPEC_MS);
});

describe('conformance kit: docs/PROTOCOL.md §11', () => {
  const protocol = readFileSync(join(ROOT, 'docs', 'PROTOCOL.md'), 'utf8');
  const headings = new Set([...protocol.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1] as string));

  it('lists every case with the section it checks, and every such section exists', () => {
    for (const c of CASES) {
      expect(protocol).withContext(c.name).toContain(`| \`${c.name}\` | §${c.section} |`);
      expect(headings.has(c.section)).withContext(`${c.name}: §${c.section} is not a heading of PROTOCOL.md`).toBeTrue();
    }
  });

  it('lists no case the kit does not have', () => {
    const listed = [...protocol.matchAll(/^\| `([a-z]+\.[a-z0-9-]+)` \| §/gm)].map((m) => m[1] as string);
    expect(listed.filter((name) => !CASES.some((c) => c.name === name))).toEqual([]);
  });

  it('gives the reason of every expected failure of the old packages', () => {
    for (const name of Object.keys(OLD_FAILURES)) expect(protocol).withContext(name).toMatch(new RegExp(`\\| \`${name.replace('.', '\\.')}\` \\|[^\\n]*9/10`));
  });
});
