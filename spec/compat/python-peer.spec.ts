/**
 * The Python peer (peers/python/node_ipc.py) against node-ipc-ts, both ways round: a
 * node-ipc-ts server with a Python client, and a node-ipc-ts client with a Python server.
 * The Python side is peers/python/driver.py in a `python3` child process, commanded over its
 * stdin (one JSON object a line) and reporting over its stdout (one JSON object a line); the
 * Python tests drive node-ipc-ts through the mirror image of it, peers/python/node_driver.js.
 *
 * Each direction: events and broadcast, a request each way (a value, a failure with its code,
 * no handler), 10,000 messages in order, a 16 MiB message, and close right after emit with
 * nothing lost. Pending only when `python3` is not there.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '../../src/client';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { collectEvents, freshIpc, nextEvent, started, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const PYTHON = process.env.PYTHON ?? 'python3';
const DRIVER = join(__dirname, '..', '..', '..', 'peers', 'python', 'driver.py');
const probe = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
const PYTHON_MISSING = probe.error === undefined ? undefined : `${PYTHON} is not on PATH (${probe.error.message}): the Python peer cannot run`;
const SPEC_MS = 30000;
const WAIT_MS = 20000;

/** What both drivers send as their 16 MiB message: 32 UTF-8 bytes (quotes, backslash, \f, U+2028, multi-byte) repeated. */
const BIG_UNIT = 'node-ipc "q" \\ \f\u2028 é€😀 ab';
const MIB16 = 16 * 1024 * 1024;
const BIG = BIG_UNIT.repeat(MIB16 / Buffer.byteLength(BIG_UNIT));

function digest(text: string): { bytes: number; sha256: string } {
  return { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
}

function requirePython(): void {
  if (PYTHON_MISSING !== undefined) pending(PYTHON_MISSING);
}

/** One line of driver.py's report. */
interface Report {
  event: string;
  [key: string]: any;
}

/** driver.py in a child process, killed after the spec if it has not exited by then. */
class PythonPeer {
  readonly reports: Report[] = [];
  private readonly wakers = new Set<() => void>();
  private ended = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const lines = text.split('\n');
      text = lines.pop() as string;
      for (const line of lines) if (line !== '') this.reports.push(JSON.parse(line) as Report);
      this.wake();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => { this.stderr += chunk; });
    child.once('close', () => { this.ended = true; this.wake(); });
  }

  /** Starts `driver.py ...args` and resolves once it reported `ready`. */
  static async start(...args: string[]): Promise<PythonPeer> {
    const peer = new PythonPeer(spawn(PYTHON, [DRIVER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
    teardown.add(() => peer.stop());
    await peer.waitFor((r) => r.event === 'ready', 1, 'ready');
    return peer;
  }

  get ready(): Report {
    return this.reports[0] as Report;
  }

  send(command: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** Resolves with the first `count` reports matching `predicate`; rejects on a `failed` report, the end of the process, or after WAIT_MS. */
  waitFor(predicate: (report: Report) => boolean, count = 1, what = 'reports'): Promise<Report[]> {
    const found: Report[] = [];
    let index = 0;
    return new Promise((resolve, reject) => {
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        this.wakers.delete(check);
        if (err === undefined) resolve(found);
        else reject(err);
      };
      const check = (): void => {
        while (index < this.reports.length) {
          const report = this.reports[index++] as Report;
          if (report.event === 'failed') return finish(new Error(`the Python peer failed: ${JSON.stringify(report)}`));
          if (predicate(report)) {
            found.push(report);
            if (found.length === count) return finish();
          }
        }
        if (this.ended) finish(new Error(`the Python peer ended with ${found.length} of ${count} ${what}; stderr: ${this.stderr}`));
      };
      const timer = setTimeout(() => finish(new Error(`timed out with ${found.length} of ${count} ${what}; last: ${JSON.stringify(this.reports.slice(-3))}; stderr: ${this.stderr}`)), WAIT_MS);
      this.wakers.add(check);
      check();
    });
  }

  async messages(type: string, count: number): Promise<unknown[]> {
    const found = await this.waitFor((r) => r.event === 'message' && r.type === type, count, `'${type}' messages`);
    return found.map((r) => r.data as unknown);
  }

  /** Ends its input (the driver exits at the end of it) and waits; SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (this.ended) return;
    this.child.stdin.end();
    const exited = new Promise<void>((resolve) => {
      const check = (): void => { if (this.ended) { this.wakers.delete(check); resolve(); } };
      this.wakers.add(check);
      check();
    });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

const SEQ = Array.from({ length: 10000 }, (_, i) => ({ i }));
const LAST = SEQ.slice(0, 1000);

for (const transport of ['unix', 'tcp'] as const) {
  describe(`Python peer (peers/python) over ${transport}`, () => {
    describe('node-ipc-ts server, Python client', () => {
      /** A node-ipc-ts server and driver.py as its client, named py-1 by its first message. */
      async function open(): Promise<{ ipc: IPCModule; server: Server; peer: PythonPeer; socket: any }> {
        const ipc = freshIpc();
        if (transport === 'unix') ipc.serve(join(tempDir(), 's.sock'));
        else ipc.serveNet('127.0.0.1', 0);
        const server = await started(ipc.server);
        const accepted = nextEvent(server, 'connect');
        const peer = await PythonPeer.start('client', transport, transport === 'unix' ? server.path : String(server.port));
        const [socket] = await accepted;
        const hello = nextEvent(server, 'hello');
        peer.send({ op: 'emit', type: 'hello', data: { id: 'py-1', text: 'Zoë 😀 \f \u2028' } });
        expect((await hello)[0]).toEqual({ id: 'py-1', text: 'Zoë 😀 \f \u2028' });
        expect(socket.id).toBe('py-1');
        return { ipc, server, peer, socket };
      }

      it('exchanges events both ways, broadcasts, and answers a request each way', async () => {
        requirePython();
        const { server, peer, socket } = await open();
        server.emit(socket, 'hello', { back: 'é€😀' });
        server.broadcast('news', [1, null, 'x']);
        server.broadcast('news');
        expect(await peer.messages('hello', 1)).toEqual([{ back: 'é€😀' }]);
        expect(await peer.messages('news', 2)).toEqual([[1, null, 'x'], {}]);
        // Python asks node-ipc-ts
        server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
        server.handle('fail', () => { throw Object.assign(new RangeError('no'), { code: 'E_X' }); });
        peer.send({ op: 'request', tag: 'add', type: 'add', data: { a: 1, b: 2 } });
        peer.send({ op: 'request', tag: 'fail', type: 'fail' });
        peer.send({ op: 'request', tag: 'nope', type: 'nope' });
        const answers = await peer.waitFor((r) => r.event === 'reply' || r.event === 'rejected', 3, 'answers');
        const byTag = Object.fromEntries(answers.map((r) => [r.tag, r]));
        expect(byTag.add).toEqual({ event: 'reply', tag: 'add', data: 3 });
        expect(byTag.fail).toEqual({ event: 'rejected', tag: 'fail', code: 'ERR_IPC_REMOTE', remote: { name: 'RangeError', message: 'no', code: 'E_X' } });
        expect(byTag.nope?.code).toBe('ERR_IPC_NO_HANDLER');
        // node-ipc-ts asks Python
        expect(await server.request(socket, 'status', undefined, { timeout: 5000 })).toEqual({ up: true, lang: 'python' });
        expect(await server.request(socket, 'add', { a: 2, b: 3 }, { timeout: 5000 })).toBe(5);
        const failed = await server.request(socket, 'fail', undefined, { timeout: 5000 }).then(() => null, (err: unknown) => err);
        expect(failed).toEqual(jasmine.objectContaining({ code: 'ERR_IPC_REMOTE', remote: { name: 'RangeFailure', message: 'no', code: 'E_X' } }));
        const none = await server.request(socket, 'nope', undefined, { timeout: 5000 }).then(() => null, (err: unknown) => err);
        expect(none).toEqual(jasmine.objectContaining({ code: 'ERR_IPC_NO_HANDLER' }));
      }, SPEC_MS);

      it('delivers 10,000 messages in order each way', async () => {
        requirePython();
        const { server, peer, socket } = await open();
        const arriving = collectEvents(server, 'seq', 10000, WAIT_MS);
        peer.send({ op: 'seq', type: 'seq', count: 10000 });
        expect((await arriving).map(([data]) => data as unknown)).toEqual(SEQ);
        for (const data of SEQ) server.emit(socket, 'seq', data);
        expect(await peer.messages('seq', 10000)).toEqual(SEQ);
      }, SPEC_MS);

      it('delivers a 16 MiB message each way', async () => {
        requirePython();
        const { server, peer, socket } = await open();
        const arriving = nextEvent(server, 'big', WAIT_MS);
        peer.send({ op: 'big', type: 'big', bytes: MIB16 });
        expect(digest((await arriving)[0] as string)).toEqual(digest(BIG));
        server.emit(socket, 'big', BIG);
        expect(await peer.messages('big', 1)).toEqual([digest(BIG)]);
      }, SPEC_MS);

      it('loses nothing when the Python client closes right after emitting', async () => {
        requirePython();
        const { server, peer } = await open();
        const arriving = collectEvents(server, 'last', 1000, WAIT_MS);
        const gone = nextEvent(server, 'socket.disconnected', WAIT_MS);
        peer.send({ op: 'seq', type: 'last', count: 1000, close: true });
        expect((await arriving).map(([data]) => data as unknown)).toEqual(LAST);
        expect((await gone)[1]).toBe('py-1');
        await peer.waitFor((r) => r.event === 'closed', 1, 'closed');
      }, SPEC_MS);

      it('loses nothing when the node-ipc-ts server closes right after emitting', async () => {
        requirePython();
        const { server, peer, socket } = await open();
        for (const data of LAST) server.emit(socket, 'last', data);
        await server.close();
        expect(await peer.messages('last', 1000)).toEqual(LAST);
        await peer.waitFor((r) => r.event === 'disconnect', 1, 'disconnect');
      }, SPEC_MS);
    });

    describe('Python server, node-ipc-ts client', () => {
      /** driver.py serving, a node-ipc-ts client connected and named node-1 by its first message. */
      async function open(): Promise<{ ipc: IPCModule; client: Client; peer: PythonPeer }> {
        const peer = await PythonPeer.start('server', transport, transport === 'unix' ? join(tempDir(), 'py.sock') : '0');
        const ipc = freshIpc((config) => { config.maxRetries = 0; });
        if (transport === 'unix') ipc.connectTo('py', peer.ready.path as string);
        else ipc.connectToNet('py', '127.0.0.1', peer.ready.port as number);
        const client = ipc.of.py as Client;
        await nextEvent(client, 'connect');
        client.emit('hello', { id: 'node-1', text: 'Zoë 😀 \f \u2028' });
        const [hello] = await peer.waitFor((r) => r.event === 'message' && r.type === 'hello', 1, 'hello');
        expect(hello).toEqual({ event: 'message', type: 'hello', data: { id: 'node-1', text: 'Zoë 😀 \f \u2028' }, from: 'node-1' });
        return { ipc, client, peer };
      }

      it('exchanges events both ways, broadcasts, and answers a request each way', async () => {
        requirePython();
        const { client, peer } = await open();
        const back = nextEvent(client, 'hello');
        const news = collectEvents(client, 'news', 2);
        peer.send({ op: 'emit', to: 'node-1', type: 'hello', data: { back: 'é€😀' } });
        peer.send({ op: 'broadcast', type: 'news', data: [1, null, 'x'] });
        peer.send({ op: 'broadcast', type: 'news' });
        expect((await back)[0]).toEqual({ back: 'é€😀' });
        expect((await news).map(([data]) => data as unknown)).toEqual([[1, null, 'x'], {}]);
        // node-ipc-ts asks Python
        expect(await client.request('add', { a: 1, b: 2 }, { timeout: 5000 })).toBe(3);
        expect(await client.request('status', undefined, { timeout: 5000 })).toEqual({ up: true, lang: 'python' });
        const failed = await client.request('fail', undefined, { timeout: 5000 }).then(() => null, (err: unknown) => err);
        expect(failed).toEqual(jasmine.objectContaining({ code: 'ERR_IPC_REMOTE', remote: { name: 'RangeFailure', message: 'no', code: 'E_X' } }));
        const none = await client.request('nope', undefined, { timeout: 5000 }).then(() => null, (err: unknown) => err);
        expect(none).toEqual(jasmine.objectContaining({ code: 'ERR_IPC_NO_HANDLER' }));
        // Python asks node-ipc-ts
        client.handle('status', () => ({ up: true, lang: 'node' }));
        client.handle('fail', () => { throw Object.assign(new RangeError('no'), { code: 'E_X' }); });
        peer.send({ op: 'request', tag: 'status', to: 'node-1', type: 'status' });
        peer.send({ op: 'request', tag: 'fail', to: 'node-1', type: 'fail' });
        peer.send({ op: 'request', tag: 'nope', to: 'node-1', type: 'nope' });
        const answers = await peer.waitFor((r) => r.event === 'reply' || r.event === 'rejected', 3, 'answers');
        const byTag = Object.fromEntries(answers.map((r) => [r.tag, r]));
        expect(byTag.status).toEqual({ event: 'reply', tag: 'status', data: { up: true, lang: 'node' } });
        expect(byTag.fail).toEqual({ event: 'rejected', tag: 'fail', code: 'ERR_IPC_REMOTE', remote: { name: 'RangeError', message: 'no', code: 'E_X' } });
        expect(byTag.nope?.code).toBe('ERR_IPC_NO_HANDLER');
      }, SPEC_MS);

      it('delivers 10,000 messages in order each way', async () => {
        requirePython();
        const { client, peer } = await open();
        for (const data of SEQ) client.emit('seq', data);
        expect(await peer.messages('seq', 10000)).toEqual(SEQ);
        const arriving = collectEvents(client, 'seq', 10000, WAIT_MS);
        peer.send({ op: 'seq', type: 'seq', count: 10000 });
        expect((await arriving).map(([data]) => data as unknown)).toEqual(SEQ);
      }, SPEC_MS);

      it('delivers a 16 MiB message each way', async () => {
        requirePython();
        const { client, peer } = await open();
        client.emit('big', BIG);
        expect(await peer.messages('big', 1)).toEqual([digest(BIG)]);
        const arriving = nextEvent(client, 'big', WAIT_MS);
        peer.send({ op: 'big', type: 'big', bytes: MIB16 });
        expect(digest((await arriving)[0] as string)).toEqual(digest(BIG));
      }, SPEC_MS);

      it('loses nothing when the node-ipc-ts client closes right after emitting', async () => {
        requirePython();
        const { client, peer } = await open();
        for (const data of LAST) client.emit('last', data);
        await client.close();
        expect(await peer.messages('last', 1000)).toEqual(LAST);
        const [gone] = await peer.waitFor((r) => r.event === 'socket.disconnected', 1, 'socket.disconnected');
        expect(gone?.id).toBe('node-1');
      }, SPEC_MS);

      it('loses nothing when the Python server closes right after emitting', async () => {
        requirePython();
        const { client, peer } = await open();
        const arriving = collectEvents(client, 'last', 1000, WAIT_MS);
        const gone = nextEvent(client, 'disconnect', WAIT_MS);
        peer.send({ op: 'seq', type: 'last', count: 1000, to: 'node-1', close: true });
        expect((await arriving).map(([data]) => data as unknown)).toEqual(LAST);
        await gone;
        await peer.waitFor((r) => r.event === 'closed', 1, 'closed');
      }, SPEC_MS);
    });
  });
}
