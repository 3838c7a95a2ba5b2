/**
 * Every example pair under example/ runs through `example/run.js` (what `npm run example`
 * calls) as child processes against the built package in dist/, and must print its exchange
 * and exit 0, so an example can never silently rot. The pairs run a few at a time, started
 * in beforeAll; each spec awaits its own pair.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE_DIR = join(ROOT, 'example');
const RUNNER = join(EXAMPLE_DIR, 'run.js');
const CONCURRENCY = 4;

const BASIC = [
  '[client] client connected to world',
  '[server] server got app.message {"id":"hello","message":"hello #1"}',
  '[server] server got app.message {"id":"hello","message":"hello #3"}',
  '[client] client got app.message {"id":"world","message":"hello #1 world!"}',
  '[client] client got app.message {"id":"world","message":"hello #2 world!"}',
  '[client] client got app.message {"id":"world","message":"hello #3 world!"}',
  '[client] client done after 3 replies',
  '[server] server: client hello disconnected, stopping',
];
const SYNC = [
  '[client] client queues message #5',
  '[server] server got app.message {"id":"hello","message":"message #5"}',
  '[client] client got app.message {"id":"world","message":"message #1 received"}',
  '[client] client got app.message {"id":"world","message":"message #5 received"}',
  '[client] client done after 5 replies',
  '[server] server: client hello disconnected, stopping',
];
const RAW = [
  '[server] server got data "hello"',
  '[client] client done, received "goodbye"',
  '[server] server: client disconnected, stopping',
];
const BROADCAST = [
  '[server] server: hello says hello',
  '[server] server: goodbye says hello',
  ...['hello', 'goodbye'].flatMap((id) => [
    `[${id}-client] ${id}-client got app.news {"from":"world","round":1,"to":["goodbye","hello"]}`,
    `[${id}-client] ${id}-client got app.news {"from":"world","round":3,"to":["goodbye","hello"]}`,
    `[${id}-client] ${id}-client done after 3 broadcasts`,
  ]),
];
const STREAM_BROADCAST = [...BROADCAST, '[server] server: hello left', '[server] server: goodbye left', '[server] server: everyone left, stopping'];

/** What each example must print; a new example directory must be added here. */
const EXPECTED: Record<string, string[]> = {
  'unixWindowsSocket/basic': BASIC,
  'unixWindowsSocket/basicSync': SYNC,
  'unixWindowsSocket/rawBuffer': RAW,
  'unixWindowsSocket/Multi-Client-Broadcast': STREAM_BROADCAST,
  'TCPSocket/basic': BASIC,
  'TCPSocket/basicSync': SYNC,
  'TCPSocket/rawBuffer': RAW,
  'TCPSocket/Multi-Client-Broadcast': STREAM_BROADCAST,
  'TLSSocket/basic': BASIC,
  'TLSSocket/basic-local-only': [...BASIC, '[server] server listening on localhost:'],
  'TLSSocket/basic-more-secure': BASIC,
  'TLSSocket/basic-most-secure': [...BASIC, '[server] server: client certificate "node-ipc-ts-client", authorized: true'],
  'TLSSocket/rawBuffer': RAW,
  'TLSSocket/Multi-Client-Broadcast': STREAM_BROADCAST,
  'TLSSocket/basicSync': SYNC,
  'UDPSocket/basic': [
    '[server] server got app.message {"id":"hello","message":"hello #1"}',
    '[client] client got app.message {"id":"world","message":"hello #3 world!"}',
    '[server] server: hello says bye, stopping',
    '[client] client done after 3 replies',
  ],
  'async': [
    '[server] server listening on ',
    '[client] client connected to world',
    '[client] client: 1 + 2 = 3',
    '[server] server: the client says it is {"id":"hello","pid":"hidden"}',
    '[client] client: divide failed with ERR_IPC_REMOTE (RangeError E_DIV_ZERO: division by zero)',
    '[client] client: multiply failed with ERR_IPC_NO_HANDLER',
    '[client] client got news {"title":"async API landed"}',
    '[server] server log: first',
    '[server] server log: last',
    '[client] client closed; ipc.of.world is undefined',
    '[server] server closed',
  ],
  'UDPSocket/rawBuffer': ['[server] server got data "hello"', '[client] client got data "goodbye"'],
  'UDPSocket/Multi-Client-Broadcast': [...BROADCAST, '[server] server: hello says bye', '[server] server: goodbye says bye', '[server] server: everyone left, stopping'],
  'clusterUnixSocket': [
    '[server] server listening on ',
    '[client] client visit 1: served by worker ',
    '[client] client visit 4: served by worker ',
    '[client] client sends app.done',
    '[client] client done after 4 visits',
    '[server] primary: the client is done, stopping the workers',
    '[server] primary: a worker finished with code 0',
  ],
};

interface Run { code: number | null; stdout: string; stderr: string }

/** Example directories (holding a server.js) under example/, as `npm run example` names them. */
function exampleDirs(dir = EXAMPLE_DIR): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    if (existsSync(join(path, 'server.js'))) found.push(relative(EXAMPLE_DIR, path));
    else found.push(...exampleDirs(path));
  }
  return found.sort();
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('IPC_EXAMPLE_')) env[key] = value;
  return env;
}

function runExample(name: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUNNER, name], { cwd: ROOT, env: cleanEnv(), timeout: 45000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `names` at most `limit` at a time; one promise per name. */
function pool(names: string[], limit: number): Map<string, Promise<Run>> {
  const results = new Map<string, Promise<Run>>();
  const lanes: Array<Promise<unknown>> = Array.from({ length: limit }, () => Promise.resolve());
  names.forEach((name, i) => {
    const lane = i % limit;
    const result = lanes[lane]!.then(() => runExample(name));
    lanes[lane] = result;
    results.set(name, result);
  });
  return results;
}

describe('examples', () => {
  let runs: Map<string, Promise<Run>>;

  beforeAll(() => {
    runs = pool(Object.keys(EXPECTED), CONCURRENCY);
  });

  it('lists every example directory in this spec', () => {
    expect(exampleDirs()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, lines] of Object.entries(EXPECTED)) {
    it(`${name} prints its exchange and exits 0`, async () => {
      const run = await runs.get(name)!;
      const printed = run.stdout.split('\n');
      for (const line of lines) {
        expect(printed.some((each) => each.startsWith(line))).withContext(`${line}\n--- output:\n${run.stdout}${run.stderr}`).toBeTrue();
      }
      expect(run.stdout).toContain(`example ${name}: ok`);
      expect(printed.filter((each) => / error |exited with|not done/.test(each))).toEqual([]);
      expect(run.code).withContext(run.stdout + run.stderr).toBe(0);
    }, 120000);
  }

  it('runner: an unknown example is a usage error (exit 2) listing the examples', async () => {
    const run = await runExample('no/such/example');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no example "no/such/example"');
    expect(run.stderr).toContain('TCPSocket/basic');
  }, 30000);
});
