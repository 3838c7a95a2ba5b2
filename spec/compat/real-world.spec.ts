/**
 * What people actually write: node-ipc usage patterns taken from public code, each reduced
 * to a minimal conversation in our own words, and run against node-ipc-ts AND the packages it
 * replaces (@achrinza/node-ipc 9.2.9 and 10.1.11), with the same package on both ends.
 *
 * Every pattern records observations (messages and bytes received, events seen, child exit
 * codes) and whether it reached its end within a deadline. Then, for each pattern:
 * - ours never hangs and never throws where an old version did not;
 * - ours observes at least everything each old version observes;
 * - where an old version delivers the whole conversation, ours delivers exactly it.
 * An old version that hangs or loses is bounded by the deadline and recorded as such.
 * `REALWORLD_REPORT=1` prints the table of outcomes after the run.
 *
 * | #  | source (repository, path)                                              | pattern                                                                 |
 * |----|------------------------------------------------------------------------|-------------------------------------------------------------------------|
 * | 1  | node-ipc/node-ipc example/clusterUnixSocket/cluster-client.js          | connect in a timer loop (same id); emit on connect, disconnect same tick |
 * | 2  | Grizzlih/node-ipc node-ipc-example/server.js + client.js               | request/response; server emits shutdown then stop(); client process.exit |
 * | 3  | vuejs/vue-cli packages/@vue/cli-shared-utils/lib/ipc.js                | sends queued before connect; ack handshake, then disconnect             |
 * | 4  | adalinesimonian/jest-runner-vscode src/child/ipc-client.ts             | emit from connectTo callback; later 48 KB result + disconnect; own event |
 * | 5  | balena-io/etcher lib/gui/modules/child-writer.ts                       | progress states + done, disconnect, process.exit on next tick           |
 * | 6  | balena-io/etcher lib/child-writer/writer-proxy.js                      | emit output lines, process.exit on the next event                       |
 * | 7  | balena-io/etcher lib/child-writer/writer-proxy.js (stopRetrying 0)     | client publishes disconnect when the GUI process goes away             |
 * | 8  | ndelangen/jest-observer src/jest-results-processor.js                  | result produced before connect, emitted from the connect handler       |
 * | 9  | cBioPortal/cbioportal-frontend end-to-end-test2/shared/wdio/it-override.js | connectTo the same id once per test, emit on connect                 |
 * | 10 | CyanSalt/commas addons/cli/src/main/index.ts                           | server streams data chunks then 'end' to the socket; client leaves      |
 * | 11 | RooCodeInc/Roo-Code packages/ipc/src/ipc-server.ts                     | server emits an ack inside its 'connect' handler, then broadcasts       |
 * | 12 | RooCodeInc/Roo-Code packages/ipc/src/ipc-client.ts                     | `ipc.of[id]?.emit` after disconnect; state flips on 'disconnect'        |
 * | 13 | asukhodolova/nightwatch-demo zebrunner-agent/publishIPCEvent.js        | emit before connect; later, last event then disconnect in the same tick |
 * | 14 | node-ipc/node-ipc example/unixWindowsSocket/basicSync/hello-client.js  | sync mode: ten emits queued on connect, one reply each                  |
 * | 15 | node-ipc/node-ipc example/TCPSocket/basic/hello-client.js              | TCP: serveNet/connectToNet, message and reply, then leave               |
 * | 16 | node-ipc/node-ipc example/unixWindowsSocket/rawBuffer/hello-client.js  | rawBuffer + ascii: raw hello, raw goodbye                               |
 * | 17 | node-ipc/node-ipc example/unixWindowsSocket/Multi-Client-Broadcast/world-server.js | two clients; every message broadcast to all                 |
 * | 18 | node-ipc/node-ipc spec/support/jasmineTest/udp4Server.js               | UDP4: server replies to the datagram's sender                           |
 * | 19 | alibaba/ice packages/iceworks-server/src/lib/adapter/task/ipc.ts       | serveNet(callback) / connectToNet(id) on config defaults                |
 * | 20 | claudioc/jingo-2 ipc-server.js                                         | serve() with no path (socketRoot+appspace+id), 'start' listener         |
 * | 21 | marcojahn/iot-raspberry-awsiot-nodejs-tester lib/node-ipc-server.js    | string echo; socket.disconnected when the client leaves                 |
 * | 22 | ArsalanMaqsood/klyng tests/fixtures/beacon/fake-remote-parent.js       | TCP: socket.destroy() and server.stop() inside a handler                |
 * | 23 | nuta/archives sdk/lib/image_writer.ts                                  | progress strings, success, disconnect in the same tick                  |
 * | 24 | gtrujilloca/socketTest ServerCpp/cliente.js                            | socketRoot + empty appspace: connectTo(id) reaches root+id              |
 * | 25 | seanpoulter/jest-ipc-reporter README.md                                | reporter: start, 48 KB result, complete, process.exit(0) same tick      |
 * | 26 | wangrui22/tete real-time-talk/node_ipc_server.js                       | two `new IPC` servers; rawBuffer switched on inside the serve callback   |
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { OLD_SIDES, OURS, type AnyIpc, type Side } from './peers';

/** One package under test: its in-process side and the name its child fixtures load. */
interface Impl {
  readonly side: Side;
  readonly pkg: 'ours' | '9' | '10';
}

const IMPLS: Impl[] = [
  { side: OURS, pkg: 'ours' },
  { side: OLD_SIDES[0]!, pkg: '9' },
  { side: OLD_SIDES[1]!, pkg: '10' },
];

/** How long an in-process conversation may take before it counts as hung. */
const DEADLINE_MS = 1500;
/** The same for conversations with a child process (its start-up included). */
const CHILD_DEADLINE_MS = 3000;
/** The size of the test-runner results in patterns 4 and 25. */
const RESULT_BYTES = 48 * 1024;

const FIXTURES = join(__dirname, '..', '..', '..', 'spec', 'fixtures', 'real-world');

/** Collects observations; `until` waits (event-driven) for a predicate over them. */
class Probe {
  readonly seen: string[] = [];
  readonly #waiters: Array<{ check: () => boolean; resolve: () => void }> = [];

  note(observation: string): void {
    this.seen.push(observation);
    for (const waiter of this.#waiters.slice()) {
      if (!waiter.check()) continue;
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  has(observation: string, times = 1): boolean {
    return this.seen.filter((seen) => seen === observation).length >= times;
  }

  /** Resolves true once `check()` holds, false when `ms` passed first. */
  until(check: () => boolean, ms = DEADLINE_MS): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        check,
        resolve: (): void => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        resolve(false);
      }, ms);
      this.#waiters.push(waiter);
    });
  }
}

interface Pattern {
  /** Repository (owner/name) and path the pattern comes from. */
  source: string;
  /** The pattern, in a few words. */
  pattern: string;
  /** Every observation of a conversation that loses nothing. */
  expected: string[];
  /** Runs the conversation; resolves whether it reached its end before the deadline. */
  run(impl: Impl, probe: Probe): Promise<boolean>;
}

interface Outcome {
  seen: string[];
  hung: boolean;
  threw: string | null;
}

const sorted = (list: string[]): string[] => [...list].sort();

/** What of `wanted` (a multiset) is missing from `have`. */
function missing(have: string[], wanted: string[]): string[] {
  const left = [...have];
  const absent: string[] = [];
  for (const item of wanted) {
    const at = left.indexOf(item);
    if (at === -1) absent.push(item);
    else left.splice(at, 1);
  }
  return absent;
}

async function measure(pattern: Pattern, impl: Impl): Promise<Outcome> {
  const probe = new Probe();
  try {
    const reached = await pattern.run(impl, probe);
    return { seen: [...probe.seen], hung: !reached, threw: null };
  } catch (err) {
    return { seen: [...probe.seen], hung: false, threw: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

// ---------------------------------------------------------------------------------------
// Building blocks

/** A started Unix socket server of `impl` at a fresh path. */
async function unixServer(impl: Impl, configure?: (config: any) => void, name = 's.sock'): Promise<{ ipc: AnyIpc; server: any; path: string }> {
  const path = join(tempDir(), name);
  const ipc = impl.side.create(configure);
  ipc.serve(path);
  await impl.side.start(ipc);
  return { ipc, server: ipc.server, path };
}

/** A started TCP server of `impl` on 127.0.0.1 (old servers need a free port named up front). */
async function tcpServer(impl: Impl, configure?: (config: any) => void): Promise<{ ipc: AnyIpc; server: any; port: number }> {
  const ipc = impl.side.create((config) => {
    config.unlink = false;
    configure?.(config);
  });
  ipc.serveNet('127.0.0.1', await impl.side.port('tcp'));
  await impl.side.start(ipc);
  return { ipc, server: ipc.server, port: ipc.server.port as number };
}

/** Notes `server:socket.disconnected` for every client that goes away. */
function watchLeaving(server: any, probe: Probe): void {
  server.on('socket.disconnected', () => probe.note('server:socket.disconnected'));
}

interface ChildRun {
  code: number | null;
  hung: boolean;
}

/** Runs a fixture against `impl`; every stdout line is noted as `child:<line>`, the exit as `child:exit:<code>`. */
function runChild(fixture: string, impl: Impl, env: Record<string, string>, probe: Probe): Promise<ChildRun> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [join(FIXTURES, fixture), impl.pkg], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let hung = false;
    let exited = false;
    teardown.add(() => {
      if (!exited) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, CHILD_DEADLINE_MS);
    let buffered = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) probe.note(`child:${line}`);
    });
    child.stderr?.resume();
    child.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      if (!hung) probe.note(`child:exit:${code}`);
      resolve({ code, hung });
    });
  });
}

/** A conversation with a child is over once the child ended and the server saw its socket go. */
async function childDone(run: Promise<ChildRun>, probe: Probe): Promise<boolean> {
  const { hung } = await run;
  const left = await probe.until(() => probe.has('server:socket.disconnected'));
  return !hung && left;
}

/** The untyped view, for the argument shapes node-ipc accepts beyond AnyIpc's (defaulted paths and ports). */
const loose = (ipc: AnyIpc): any => ipc;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------------------------------
// The patterns

const PATTERNS: Pattern[] = [
  {
    source: 'node-ipc/node-ipc example/clusterUnixSocket/cluster-client.js',
    pattern: 'connect in a timer loop with the same id; on connect emit currentDate and disconnect in the same tick',
    expected: [...range(3).map((i) => `server:currentDate:${i}`), ...range(3).map(() => 'server:socket.disconnected')],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('currentDate', (data: { n: number }) => probe.note(`server:currentDate:${data.n}`));
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      let timer: NodeJS.Timeout | undefined;
      teardown.add(() => clearTimeout(timer));
      const round = (n: number): void => {
        ipc.connectTo('world', path, () => {
          ipc.of.world.on('connect', () => {
            ipc.of.world.emit('currentDate', { n, message: new Date().toISOString() });
            ipc.disconnect('world');
            if (n < 2) timer = setTimeout(() => round(n + 1), 5);
          });
        });
      };
      timer = setTimeout(() => round(0), 5);
      return probe.until(() => probe.has('server:socket.disconnected', 3));
    },
  },
  {
    source: 'Grizzlih/node-ipc node-ipc-example/server.js + node-ipc-example/client.js',
    pattern: 'request/response by event names; server emits client.shutdown then ipc.server.stop() in the same handler; client process.exit() on it',
    expected: ['server:client.started', 'child:operation.start:job', 'server:operation.done:42', 'child:client.shutdown', 'child:exit:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { ipc, server, path } = await unixServer(impl);
      server.on('client.started', (_data: unknown, socket: unknown) => {
        probe.note('server:client.started');
        ipc.server.emit(socket, 'operation.start', { data: 'job' });
      });
      server.on('operation.done', (data: { result: number }, socket: unknown) => {
        probe.note(`server:operation.done:${data.result}`);
        ipc.server.emit(socket, 'client.shutdown', {});
        ipc.server.stop();
      });
      watchLeaving(server, probe);
      return childDone(runChild('grizzlih-client.js', impl, { IPC_PATH: path }, probe), probe);
    },
  },
  {
    source: 'vuejs/vue-cli packages/@vue/cli-shared-utils/lib/ipc.js',
    pattern: 'IpcMessenger: sends before connect are queued and flushed from the connectTo callback; disconnect sends ack and waits for the ack reply',
    expected: ['server:message:0', 'server:message:1', 'server:message:2', 'server:ack', 'client:ack', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('message', (data: { n: number }) => probe.note(`server:message:${data.n}`));
      server.on('ack', (data: { done?: boolean }, socket: unknown) => {
        if (!data.done) return;
        probe.note('server:ack');
        server.emit(socket, 'ack', { ok: true });
      });
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      const id = 'vue-cli';
      let connected = false;
      let connecting = false;
      let queue: unknown[] = [];
      const send = (data: unknown, type = 'message'): void => {
        if (connected) {
          ipc.of[id].emit(type, data);
          return;
        }
        queue.push(data);
        if (!connecting) connect();
      };
      const connect = (): void => {
        connecting = true;
        ipc.connectTo(id, path, () => {
          connected = true;
          connecting = false;
          const pending = queue;
          queue = [];
          for (const data of pending) send(data);
        });
      };
      const disconnect = (): void => {
        send({ done: true }, 'ack');
        ipc.of[id].on('ack', (data: { ok?: boolean }) => {
          if (!data.ok) return;
          probe.note('client:ack');
          ipc.disconnect(id);
        });
      };
      for (const n of range(3)) send({ n });
      await probe.until(() => probe.has('server:message:2'));
      disconnect();
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'adalinesimonian/jest-runner-vscode src/child/ipc-client.ts',
    pattern: 'child: emits queued messages from the connectTo callback; after the run a 48 KB result, runComplete and disconnect in the same tick; waits for its own disconnect event and exits by itself',
    expected: ['server:testStart', `server:testFileResult:${RESULT_BYTES}`, 'server:runComplete', 'child:disconnect', 'child:exit:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('testStart', () => probe.note('server:testStart'));
      server.on('testFileResult', (data: { text: string }) => probe.note(`server:testFileResult:${data.text.length}`));
      server.on('runComplete', () => probe.note('server:runComplete'));
      watchLeaving(server, probe);
      return childDone(runChild('jest-runner-vscode-child.js', impl, { IPC_PATH: path, RESULT_BYTES: String(RESULT_BYTES) }, probe), probe);
    },
  },
  {
    source: 'balena-io/etcher lib/gui/modules/child-writer.ts',
    pattern: "writer child: 'ready' on connect; on 'write' emits progress states and 'done', then ipc.disconnect and process.exit on the next tick",
    expected: ['server:log', 'server:ready', ...range(5).map((i) => `server:state:${i}`), 'server:done:4096', 'child:exit:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('log', () => probe.note('server:log'));
      server.on('ready', (_data: unknown, socket: unknown) => {
        probe.note('server:ready');
        server.emit(socket, 'write', { states: 5 });
      });
      server.on('state', (data: { n: number }) => probe.note(`server:state:${data.n}`));
      server.on('done', (data: { results: { bytesWritten: number } }) => probe.note(`server:done:${data.results.bytesWritten}`));
      watchLeaving(server, probe);
      return childDone(runChild('etcher-child-writer.js', impl, { IPC_PATH: path }, probe), probe);
    },
  },
  {
    source: 'balena-io/etcher lib/child-writer/writer-proxy.js',
    pattern: 'proxy child: emits every output line to the GUI, then process.exit(code) on the next event',
    expected: [...range(8).map((i) => `server:line:${i}`), 'child:exit:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('message', (data: { line: number }) => probe.note(`server:line:${data.line}`));
      watchLeaving(server, probe);
      return childDone(runChild('etcher-writer-proxy.js', impl, { IPC_PATH: path, LINES: '8' }, probe), probe);
    },
  },
  {
    source: 'balena-io/etcher lib/child-writer/writer-proxy.js (stopRetrying: 0)',
    pattern: "client with stopRetrying 0 publishes 'disconnect' when the GUI process goes away (its sockets die with it)",
    expected: ['client:connect', 'client:disconnect'],
    async run(impl, probe) {
      const { ipc: serverIpc, server, path } = await unixServer(impl);
      const accepted = new Promise<void>((resolve) => server.once('connect', () => resolve()));
      const ipc = impl.side.create((config) => {
        config.stopRetrying = 0;
      });
      ipc.connectTo('gui', path, () => {
        ipc.of.gui.on('connect', () => probe.note('client:connect'));
        ipc.of.gui.on('disconnect', () => probe.note('client:disconnect'));
      });
      await accepted;
      await probe.until(() => probe.has('client:connect'));
      // The GUI process dying: its listener closes and its sockets are destroyed.
      impl.side.stopServer(serverIpc);
      return probe.until(() => probe.has('client:disconnect'));
    },
  },
  {
    source: 'ndelangen/jest-observer src/jest-results-processor.js (+ src/jest-record.js)',
    pattern: 'results processor: a result produced before connect is kept and emitted from the connect handler; later ones go straight out',
    expected: ['server:jest.result:1', 'server:jest.result:2'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('jest.result', (data: { message: { run: number } }) => probe.note(`server:jest.result:${data.message.run}`));
      const ipc = impl.side.create();
      let last: { type: string; payload: unknown } | undefined;
      let emit = (type: string, payload: unknown): void => {
        last = { type, payload };
      };
      const processResults = (results: { run: number }): void => emit('jest.result', { id: 'jest-results-processor', message: results });
      ipc.connectTo('jest-observer', path, () => {
        ipc.of['jest-observer'].on('connect', () => {
          emit = (type, payload) => ipc.of['jest-observer'].emit(type, payload);
          if (last) emit(last.type, last.payload);
        });
      });
      processResults({ run: 1 });
      await probe.until(() => probe.has('server:jest.result:1'));
      processResults({ run: 2 });
      return probe.until(() => probe.has('server:jest.result:2'));
    },
  },
  {
    source: 'cBioPortal/cbioportal-frontend end-to-end-test2/shared/wdio/it-override.js',
    pattern: "connectTo the same id once per test registration, each adding a 'connect' handler that emits the test title",
    expected: ['server:test_it:a', 'server:test_it:b', 'server:test_it:c', 'server:test_it:d', 'server:marker'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('test_it', (title: string) => probe.note(`server:test_it:${title}`));
      server.on('marker', () => probe.note('server:marker'));
      const ipc = impl.side.create();
      const it = (title: string): void => {
        ipc.connectTo('runnerProcess', path, () => {
          ipc.of.runnerProcess.on('connect', () => ipc.of.runnerProcess.emit('test_it', title));
        });
      };
      it('a');
      it('b');
      it('c');
      await probe.until(() => probe.has('server:test_it:a'));
      it('d');
      // Same socket, so the marker arrives after anything the fourth registration sent.
      ipc.of.runnerProcess.emit('marker', {});
      return probe.until(() => probe.has('server:marker'));
    },
  },
  {
    source: 'CyanSalt/commas addons/cli/src/main/index.ts',
    pattern: "server answers a request with data chunks (awaiting between them) then 'end' to the socket; the CLI client disconnects on 'end'",
    expected: ['client:data:one', 'client:data:two', 'client:data:three', 'client:end:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('request', async (_context: unknown, socket: unknown) => {
        for (const chunk of ['one', 'two', 'three']) {
          await new Promise((resolve) => setImmediate(resolve));
          server.emit(socket, 'data', chunk);
        }
        server.emit(socket, 'end', 0);
      });
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      ipc.connectTo('commas-ipc-server', path, () => {
        const app = ipc.of['commas-ipc-server'];
        app.on('connect', () => app.emit('request', { argv: ['roll', '3'], cwd: '/' }));
        app.on('data', (chunk: string) => probe.note(`client:data:${chunk}`));
        app.on('end', (code: number) => {
          probe.note(`client:end:${code}`);
          ipc.disconnect('commas-ipc-server');
        });
      });
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'RooCodeInc/Roo-Code packages/ipc/src/ipc-server.ts',
    pattern: "server emits an Ack to the socket inside its 'connect' handler, then broadcasts task events",
    expected: ['client:Ack', 'client:TaskEvent:0', 'client:TaskEvent:1', 'client:TaskEvent:2'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('connect', (socket: unknown) => {
        server.emit(socket, 'message', { type: 'Ack', origin: 'server', data: { clientId: 'c1', pid: process.pid } });
      });
      const ipc = impl.side.create();
      const id = 'roo-code-evals-abc';
      ipc.connectTo(id, path, () => {
        ipc.of[id]?.on('message', (data: { type: string; data: { n?: number } }) => {
          probe.note(data.type === 'Ack' ? 'client:Ack' : `client:${data.type}:${data.data.n}`);
        });
      });
      await probe.until(() => probe.has('client:Ack'));
      for (const n of range(3)) server.broadcast('message', { type: 'TaskEvent', origin: 'server', data: { n } });
      return probe.until(() => probe.has('client:TaskEvent:2'));
    },
  },
  {
    source: 'RooCodeInc/Roo-Code packages/ipc/src/ipc-client.ts',
    pattern: "ipc.of[id]?.emit after ipc.disconnect(id) (a no-op, no throw); the client's own 'disconnect' handler flips its state",
    expected: ['client:connect', 'client:of-after-disconnect:undefined', 'client:disconnect', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      const id = 'roo-code-evals-def';
      ipc.connectTo(id, path, () => {
        ipc.of[id]?.on('connect', () => probe.note('client:connect'));
        ipc.of[id]?.on('disconnect', () => probe.note('client:disconnect'));
      });
      await probe.until(() => probe.has('client:connect'));
      ipc.disconnect(id);
      ipc.of[id]?.emit('message', { type: 'TaskCommand', origin: 'client', data: {} });
      probe.note(`client:of-after-disconnect:${typeof ipc.of[id]}`);
      return probe.until(() => probe.has('client:disconnect') && probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'asukhodolova/nightwatch-demo zebrunner-agent/publishIPCEvent.js (+ connectIPClient.js, disconnectIPCClient.js)',
    pattern: 'emit right after connectTo, before the connection is up; once the suite ran, emit the last event and disconnect in the same tick (without the 500 ms timer the reporter put between them)',
    expected: ['server:START_SUITE', 'server:FINISH_SUITE', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('START_SUITE', () => probe.note('server:START_SUITE'));
      server.on('FINISH_SUITE', () => probe.note('server:FINISH_SUITE'));
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      ipc.connectTo('reportportal', path);
      ipc.of.reportportal.emit('START_SUITE', { name: 'suite' });
      // The suite runs; its end comes long after the connection is up.
      if (!(await probe.until(() => probe.has('server:START_SUITE')))) return false;
      ipc.of.reportportal.emit('FINISH_SUITE', { name: 'suite' });
      ipc.disconnect('reportportal');
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'node-ipc/node-ipc example/unixWindowsSocket/basicSync/hello-client.js (+ world-server.js)',
    pattern: 'sync mode: ten emits queued in the connect handler, the server replies to each; replies arrive in order',
    expected: [...range(10).map((i) => `client:reply:${i}`), 'client:order:0,1,2,3,4,5,6,7,8,9'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('app.message', (data: { n: number }, socket: unknown) => {
        server.emit(socket, 'app.message', { id: 'world', n: data.n, message: `${data.n} world!` });
      });
      const ipc = impl.side.create((config) => {
        config.sync = true;
      });
      const order: number[] = [];
      ipc.connectTo('world', path, () => {
        ipc.of.world.on('connect', () => {
          for (const n of range(10)) ipc.of.world.emit('app.message', { id: 'hello', n });
        });
        ipc.of.world.on('app.message', (data: { n: number }) => {
          order.push(data.n);
          probe.note(`client:reply:${data.n}`);
          if (order.length === 10) probe.note(`client:order:${order.join(',')}`);
        });
      });
      return probe.until(() => probe.seen.some((seen) => seen.startsWith('client:order:')));
    },
  },
  {
    source: 'node-ipc/node-ipc example/TCPSocket/basic/hello-client.js (+ world-server.js)',
    pattern: 'TCP: serveNet / connectToNet, app.message and reply, then the client disconnects',
    expected: ['server:app.message:hello', 'client:app.message:hello world!', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, port } = await tcpServer(impl);
      server.on('app.message', (data: { id: string; message: string }, socket: unknown) => {
        probe.note(`server:app.message:${data.message}`);
        server.emit(socket, 'app.message', { id: 'world', message: `${data.message} world!` });
      });
      watchLeaving(server, probe);
      const ipc = impl.side.create();
      ipc.connectToNet('world', '127.0.0.1', port, () => {
        ipc.of.world.on('connect', () => ipc.of.world.emit('app.message', { id: 'hello', message: 'hello' }));
        ipc.of.world.on('app.message', (data: { message: string }) => {
          probe.note(`client:app.message:${data.message}`);
          ipc.disconnect('world');
        });
      });
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'node-ipc/node-ipc example/unixWindowsSocket/rawBuffer/hello-client.js (+ world.server.js)',
    pattern: "rawBuffer with encoding 'ascii': the client emits raw 'hello', the server answers raw 'goodbye'",
    expected: ['server:data:hello', 'client:data:goodbye'],
    async run(impl, probe) {
      const raw = (config: any): void => {
        config.rawBuffer = true;
        config.encoding = 'ascii';
      };
      const { server, path } = await unixServer(impl, raw);
      let atServer = '';
      server.on('data', (data: Buffer, socket: unknown) => {
        atServer += data.toString('ascii');
        if (atServer !== 'hello') return;
        probe.note(`server:data:${atServer}`);
        server.emit(socket, 'goodbye');
      });
      const ipc = impl.side.create(raw);
      let atClient = '';
      ipc.connectTo('world', path, () => {
        ipc.of.world.on('connect', () => ipc.of.world.emit('hello'));
        ipc.of.world.on('data', (data: Buffer) => {
          atClient += data.toString('ascii');
          if (atClient === 'goodbye') probe.note(`client:data:${atClient}`);
        });
      });
      return probe.until(() => probe.has('client:data:goodbye'));
    },
  },
  {
    source: 'node-ipc/node-ipc example/unixWindowsSocket/Multi-Client-Broadcast/world-server.js (+ hello-client.js, goodbye-client.js)',
    pattern: 'two clients on one server; the server broadcasts every app.message to all of them',
    expected: ['hello:connect', 'goodbye:connect', 'goodbye:got:goodbye', 'goodbye:got:hello', 'hello:got:goodbye', 'hello:got:hello'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('app.message', (data: { id: string }) => server.broadcast('app.message', { id: 'world', from: data.id }));
      const names = ['hello', 'goodbye'];
      const clients = names.map((name) => {
        const ipc = impl.side.create((config) => {
          config.id = name;
        });
        ipc.connectTo('world', path, () => {
          ipc.of.world.on('connect', () => probe.note(`${name}:connect`));
          ipc.of.world.on('app.message', (data: { from: string }) => probe.note(`${name}:got:${data.from}`));
        });
        return ipc;
      });
      if (!(await probe.until(() => names.every((name) => probe.has(`${name}:connect`))))) return false;
      clients.forEach((ipc, i) => ipc.of.world.emit('app.message', { id: names[i] }));
      return probe.until(() => probe.seen.filter((seen) => seen.includes(':got:')).length === 4);
    },
  },
  {
    source: 'node-ipc/node-ipc spec/support/jasmineTest/udp4Server.js',
    pattern: 'UDP4: a client (itself a UDP server) sends a message; the server replies to the sender address',
    expected: ['server:message:hello', 'client:message:I am UDP4 server!'],
    async run(impl, probe) {
      const serverIpc = impl.side.create((config) => {
        config.unlink = false;
        config.id = 'udpServer';
      });
      serverIpc.serveNet('127.0.0.1', await impl.side.port('udp4'), 'udp4');
      await impl.side.start(serverIpc, true);
      const server = serverIpc.server;
      server.on('message', (data: { message: string }, socket: unknown) => {
        probe.note(`server:message:${data.message}`);
        server.emit(socket, 'message', { id: 'udpServer', message: 'I am UDP4 server!' });
      });
      const clientIpc = impl.side.create((config) => {
        config.unlink = false;
        config.id = 'udpClient';
      });
      clientIpc.serveNet('127.0.0.1', await impl.side.port('udp4'), 'udp4');
      await impl.side.start(clientIpc, true);
      clientIpc.server.on('message', (data: { message: string }) => probe.note(`client:message:${data.message}`));
      clientIpc.server.emit({ address: '127.0.0.1', port: server.port }, 'message', { id: 'udpClient', message: 'hello' });
      return probe.until(() => probe.has('client:message:I am UDP4 server!'));
    },
  },
  {
    source: 'alibaba/ice packages/iceworks-server/src/lib/adapter/task/ipc.ts',
    pattern: "serveNet(callback) on config.networkHost/networkPort, an 'error' listener, stop(); the client uses connectToNet(id) defaults",
    expected: ['server:message:build', 'server:socket.disconnected', 'server:stopped'],
    async run(impl, probe) {
      const port = await impl.side.port('tcp');
      const ipc = impl.side.create((config) => {
        config.id = 'iceworks';
        config.unlink = false;
        config.networkHost = '127.0.0.1';
        config.networkPort = port;
      });
      ipc.serveNet(() => {
        ipc.server.on('message', (data: string) => probe.note(`server:message:${data}`));
        watchLeaving(ipc.server, probe);
      });
      ipc.server.on('error', (err: Error) => probe.note(`server:error:${err.message}`));
      await impl.side.start(ipc);
      const client = impl.side.create((config) => {
        config.networkHost = '127.0.0.1';
        config.networkPort = ipc.server.port;
      });
      loose(client).connectToNet('iceworks', () => {
        client.of.iceworks.on('connect', () => {
          client.of.iceworks.emit('message', 'build');
        });
      });
      await probe.until(() => probe.has('server:message:build'));
      client.disconnect('iceworks');
      const left = await probe.until(() => probe.has('server:socket.disconnected'));
      ipc.server.stop();
      probe.note('server:stopped');
      return left;
    },
  },
  {
    source: 'claudioc/jingo-2 ipc-server.js',
    pattern: "ipc.serve() with no path (socketRoot + appspace + id) and a 'start' listener; encoding utf8; the client connectTo(id) without a path",
    expected: ['server:start', 'server:UPDATE DOC:wiki/home.md'],
    async run(impl, probe) {
      const root = `${tempDir()}/`;
      const configure = (config: any): void => {
        config.socketRoot = root;
        config.appspace = 'jingo.';
        config.encoding = 'utf8';
      };
      const ipc = impl.side.create((config) => {
        configure(config);
        config.id = 'myIpcServer';
      });
      loose(ipc).serve();
      ipc.server.on('start', () => probe.note('server:start'));
      ipc.server.on('UPDATE DOC', (subject: string) => probe.note(`server:UPDATE DOC:${subject}`));
      await impl.side.start(ipc);
      const client = impl.side.create((config) => {
        configure(config);
        config.id = 'jingo';
      });
      loose(client).connectTo('myIpcServer', () => {
        client.of.myIpcServer.on('connect', () => client.of.myIpcServer.emit('UPDATE DOC', 'wiki/home.md'));
      });
      return probe.until(() => probe.has('server:UPDATE DOC:wiki/home.md'));
    },
  },
  {
    source: 'marcojahn/iot-raspberry-awsiot-nodejs-tester lib/node-ipc-server.js (+ lib/node-ipc-client.js)',
    pattern: "string echo (data + ' world!') to the socket; 'socket.disconnected' when the client leaves",
    expected: ['client:message:hello world!', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl, (config) => {
        config.id = 'world';
      });
      server.on('message', (data: string, socket: unknown) => server.emit(socket, 'message', `${data} world!`));
      watchLeaving(server, probe);
      const ipc = impl.side.create((config) => {
        config.id = 'hello';
      });
      ipc.connectTo('world', path, () => {
        ipc.of.world.on('connect', () => ipc.of.world.emit('message', 'hello'));
        ipc.of.world.on('message', (data: string) => {
          probe.note(`client:message:${data}`);
          ipc.disconnect('world');
        });
      });
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'ArsalanMaqsood/klyng tests/fixtures/beacon/fake-remote-parent.js',
    pattern: 'TCP server: in the message handler, socket.destroy() then ipc.server.stop(); the client sees disconnect',
    expected: ['server:MONITOR:MSG:line one', 'client:disconnect'],
    async run(impl, probe) {
      const { ipc, server, port } = await tcpServer(impl);
      server.on('MONITOR:MSG', (msg: { data: { line: string } }, socket: { destroy(): void }) => {
        probe.note(`server:MONITOR:MSG:${msg.data.line}`);
        socket.destroy();
        ipc.server.stop();
      });
      const client = impl.side.create();
      client.connectToNet('parent', '127.0.0.1', port, () => {
        client.of.parent.on('connect', () => client.of.parent.emit('MONITOR:MSG', { data: { line: 'line one' } }));
        client.of.parent.on('disconnect', () => {
          if (!probe.has('client:disconnect')) probe.note('client:disconnect');
        });
      });
      return probe.until(() => probe.has('client:disconnect'));
    },
  },
  {
    source: 'nuta/archives sdk/lib/image_writer.ts',
    pattern: "image writer: progress JSON strings, then 'success' and ipc.disconnect in the same tick",
    expected: [...range(5).map((i) => `server:progress:${i}`), 'server:success', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('progress', (data: string) => probe.note(`server:progress:${(JSON.parse(data) as { n: number }).n}`));
      server.on('success', () => probe.note('server:success'));
      watchLeaving(server, probe);
      const ipc = impl.side.create((config) => {
        config.retry = 5;
        config.maxRetries = 3;
      });
      ipc.connectTo('server', path, () => {
        ipc.of.server.on('connect', () => {
          for (const n of range(5)) ipc.of.server.emit('progress', JSON.stringify({ n, percentage: n * 25 }));
          ipc.of.server.emit('success', JSON.stringify({ bytesWritten: 1024 }));
          ipc.disconnect('server');
        });
      });
      return probe.until(() => probe.has('server:socket.disconnected'));
    },
  },
  {
    source: 'gtrujilloca/socketTest ServerCpp/cliente.js',
    pattern: "socketRoot set, appspace '': connectTo(id) without a path reaches socketRoot + id (a server not written with node-ipc listens there)",
    expected: ['server:message:hello world from home'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl, undefined, 'icp-test');
      server.on('message', (data: string) => probe.note(`server:message:${data}`));
      const ipc = impl.side.create((config) => {
        config.id = 'hello';
        config.socketRoot = `${dirname(path)}/`;
        config.appspace = '';
      });
      loose(ipc).connectTo('icp-test', () => {
        ipc.of['icp-test'].on('connect', () => ipc.of['icp-test'].emit('message', 'hello world from home'));
      });
      return probe.until(() => probe.has('server:message:hello world from home'));
    },
  },
  {
    source: 'seanpoulter/jest-ipc-reporter README.md',
    pattern: 'Jest reporter child: onRunStart, a 48 KB onTestResult, onRunComplete, then process.exit(0) in the same tick',
    expected: ['server:onRunStart', `server:onTestResult:${RESULT_BYTES}`, 'server:onRunComplete', 'child:exit:0', 'server:socket.disconnected'],
    async run(impl, probe) {
      const { server, path } = await unixServer(impl);
      server.on('onRunStart', () => probe.note('server:onRunStart'));
      server.on('onTestResult', (data: { text: string }) => probe.note(`server:onTestResult:${data.text.length}`));
      server.on('onRunComplete', () => probe.note('server:onRunComplete'));
      watchLeaving(server, probe);
      return childDone(runChild('jest-ipc-reporter.js', impl, { IPC_PATH: path, RESULT_BYTES: String(RESULT_BYTES) }, probe), probe);
    },
  },
  {
    source: 'wangrui22/tete real-time-talk/node_ipc_server.js',
    pattern: "two `new IPC` instances serving side by side; config.rawBuffer switched on inside the serve callback; raw bytes arrive as 'data'",
    expected: ['world:data:hello'],
    async run(impl, probe) {
      const dir = tempDir();
      const servers = ['hello', 'world'].map((name) => {
        const ipc = impl.side.create((config) => {
          config.id = name;
        });
        ipc.serve(join(dir, `${name}.sock`), () => {
          ipc.config.rawBuffer = true;
          ipc.server.on('data', (buffer: Buffer) => probe.note(`${name}:data:${buffer.toString('ascii')}`));
          ipc.server.on('message', (data: unknown) => probe.note(`${name}:message:${JSON.stringify(data)}`));
        });
        return ipc;
      });
      for (const ipc of servers) await impl.side.start(ipc);
      const client = impl.side.create((config) => {
        config.rawBuffer = true;
        config.encoding = 'ascii';
      });
      client.connectTo('world', join(dir, 'world.sock'), () => {
        client.of.world.on('connect', () => client.of.world.emit('hello'));
      });
      return probe.until(() => probe.has('world:data:hello'));
    },
  },
];

// ---------------------------------------------------------------------------------------
// The specs

interface Row {
  source: string;
  outcomes: Map<string, Outcome>;
}
const rows: Row[] = [];

function summary(pattern: Pattern, outcome: Outcome): string {
  if (outcome.threw !== null) return `threw ${outcome.threw}`;
  const lost = missing(outcome.seen, pattern.expected);
  const extra = missing(pattern.expected, outcome.seen);
  const parts = [outcome.hung ? 'HUNG' : 'ended'];
  parts.push(lost.length === 0 ? 'all delivered' : `missing [${lost.join(', ')}]`);
  if (extra.length > 0) parts.push(`extra [${extra.join(', ')}]`);
  return parts.join(', ');
}

describe('real-world node-ipc patterns (ours vs @achrinza/node-ipc 9.2.9 and 10.1.11)', () => {
  for (const [index, pattern] of PATTERNS.entries()) {
    it(`#${index + 1} ${pattern.source}: ${pattern.pattern}`, async () => {
      const outcomes = new Map<string, Outcome>();
      for (const impl of IMPLS) outcomes.set(impl.pkg, await measure(pattern, impl));
      rows.push({ source: `#${index + 1} ${pattern.source}`, outcomes });
      const ours = outcomes.get('ours')!;
      const context = [...outcomes].map(([pkg, outcome]) => `${pkg}: ${summary(pattern, outcome)} | seen ${JSON.stringify(outcome.seen)}`).join('\n');

      expect(ours.hung).withContext(`ours hung\n${context}`).toBeFalse();
      for (const impl of IMPLS.slice(1)) {
        const old = outcomes.get(impl.pkg)!;
        if (ours.threw !== null) expect(old.threw).withContext(`ours threw where ${impl.side.name} did not\n${context}`).not.toBeNull();
        const lost = missing(ours.seen, old.seen);
        if (lost.length > 0) {
          expect(lost).withContext(`ours misses what ${impl.side.name} delivers\n${context}`).toEqual([]);
        } else if (!old.hung && old.threw === null && missing(old.seen, pattern.expected).length === 0) {
          expect(sorted(ours.seen)).withContext(`${impl.side.name} delivers everything, so ours must deliver exactly that\n${context}`).toEqual(sorted(pattern.expected));
        }
      }
    }, 20000);
  }

  afterAll(() => {
    if (!process.env.REALWORLD_REPORT) return;
    const lines = rows.map((row) => [row.source, ...['9', '10', 'ours'].map((pkg) => `  ${pkg}: ${summary(PATTERNS[Number(row.source.slice(1).split(' ')[0]) - 1]!, row.outcomes.get(pkg)!)}`)].join('\n'));
    console.log(`\nreal-world outcomes\n${lines.join('\n')}`);
  });
});
