/**
 * The public fields of a client (`ipc.of[id]`) hold what @achrinza/node-ipc 9.2.9 and 10.1.11
 * hold at each point of its life: right after connectTo, at each failed attempt (`error`,
 * `disconnect`), when it gives up (`destroy`), at a reconnect (inside the `connect` handler and
 * after it), and after `ipc.disconnect(id)`; with `maxRetries` 3, `false` and `Infinity`.
 * Old and ours run the same code side by side and their snapshots are compared.
 *
 * What the old versions do (dao/client.js, the same in both):
 * - `retriesRemaining` starts as `config.maxRetries || 0`, loses one just before each
 *   reconnect attempt, and becomes `config.maxRetries` (the value itself: `false` stays
 *   `false`) once a connect succeeded, AFTER the `connect` handlers ran. `stopRetrying: true`
 *   gives up without touching it: the upstream v9 spec "does not connect ... when stopRetrying
 *   is set to true" (and v10's TCP twin) asserts `retriesRemaining === config.maxRetries`.
 * - `socket` is the last socket (destroyed once closed); `port` is never set for a Unix socket;
 *   `explicitlyDisconnected` turns true in `ipc.disconnect(id)`, which also deletes `ipc.of[id]`.
 *
 * 9.2.9 and 10.1.11 agree on every point recorded here (asserted below), so there is no choice
 * to make between them. Where WE differ from both, on purpose, it is about when to retry, not
 * about a field (BEHAVIOUR.md "Config defaults"): `maxRetries: false` retries forever here, as the
 * README documents, while the old code gave up at the first drop (`false < 1`). Ours then keeps
 * the counter where the old versions left it (0 before the first connect, `false` after one):
 * the old code never counted down from `false`. Those specs compare the points both reach and
 * then assert our own continuation. Likewise a numeric `stopRetrying` caps the attempts here
 * (README); the old code gave up at once for any number but 0, and retried for 0. Our counter
 * ignores it: while we retry, it counts down from `maxRetries` as the old code did without one.
 */
import { createServer, Socket, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { expectErrors, nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';
import { OLD_SIDES, OURS, freePort, type AnyIpc, type Side } from './peers';

const [V9, V10] = OLD_SIDES as [Side, Side];
const SIDES: Side[] = [OURS, V9, V10];

/** What a client shows at one point. */
interface Snapshot {
  at: string;
  retriesRemaining: unknown;
  explicitlyDisconnected: unknown;
  socket: string;
  id: unknown;
  path: unknown;
  port: unknown;
  /** Whether `ipc.of[id]` still holds this client. */
  registered: boolean;
}

function snapshot(ipc: AnyIpc, client: any, at: string): Snapshot {
  const socket: unknown = client.socket;
  let kind: string;
  if (socket === false) kind = 'false';
  // 'closed': takes no more writes. The old code destroyed the socket in ipc.disconnect();
  // ours half-closes it there (graceful close: what was emitted before is still delivered)
  // and destroys it once the peer has read everything (asserted below).
  else if (socket instanceof Socket) kind = socket.destroyed || socket.writableEnded ? 'closed Socket' : 'Socket';
  else kind = typeof socket;
  return {
    at,
    retriesRemaining: client.retriesRemaining,
    explicitlyDisconnected: client.explicitlyDisconnected,
    socket: kind,
    id: client.id,
    path: client.path,
    port: client.port,
    registered: ipc.of[client.id] === client,
  };
}

/** A client of one side and the snapshots taken so far. */
interface Run {
  ipc: AnyIpc;
  client: any;
  trace: Snapshot[];
  take(at: string): void;
  /** Called after each snapshot. */
  watchers: Set<() => void>;
}

/** A target both transports can name: where the client dials. */
interface Target {
  name: 'unix' | 'tcp';
  /** An address nothing listens on. */
  nowhere(): Promise<string | number>;
  /** A plain `net` server (the same peer for every side). */
  listen(): Promise<Peer>;
  connect(ipc: AnyIpc, id: string, address: string | number): void;
}

/** A listening plain server: where to reach it, and its connections. */
interface Peer {
  address: string | number;
  /** Resolves once `count` connections were accepted in all. */
  accepted(count: number): Promise<void>;
  /** Closes every open connection (the clients see a drop). */
  drop(): void;
}

function plainServer(): { server: NetServer; peer(address: string | number): Peer } {
  const sockets = new Set<Socket>();
  let total = 0;
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    total++;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    for (const wait of waiting.filter((w) => total >= w.count)) {
      waiting.splice(waiting.indexOf(wait), 1);
      wait.resolve();
    }
  });
  teardown.add(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return {
    server,
    peer: (address) => ({
      address,
      accepted: (count) => (total >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))),
      drop() {
        for (const socket of sockets) socket.destroy();
      },
    }),
  };
}

const TARGETS: Target[] = [
  {
    name: 'unix',
    nowhere: () => Promise.resolve(join(tempDir(), 'nobody.sock')),
    listen() {
      const { server, peer } = plainServer();
      const path = join(tempDir(), 'plain.sock');
      return new Promise((resolve) => server.listen(path, () => resolve(peer(path))));
    },
    connect(ipc, id, address) {
      ipc.connectTo(id, address as string);
    },
  },
  {
    name: 'tcp',
    nowhere: () => freePort('tcp'),
    listen() {
      const { server, peer } = plainServer();
      return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(peer(typeof address === 'object' && address !== null ? address.port : 0));
      }));
    },
    connect(ipc, id, address) {
      ipc.connectToNet(id, '127.0.0.1', address as number);
    },
  },
];

/** Makes a client of `side`, records a snapshot at each of `events` and right after connecting. */
function start(side: Side, target: Target, address: string | number, maxRetries: unknown, events: string[], stopRetrying = false): Run {
  const ipc = side.create((config) => {
    config.maxRetries = maxRetries;
    config.stopRetrying = stopRetrying;
  });
  // Every spec here fails attempts on purpose (nobody listens, or the peer drops the
  // connection): each failed attempt publishes the system error, as node-ipc did.
  expectErrors(ipc, 'ENOENT', 'ECONNREFUSED', 'ECONNRESET');
  target.connect(ipc, 'peer', address);
  const client = ipc.of.peer;
  const trace: Snapshot[] = [];
  const watchers = new Set<() => void>();
  const take = (at: string): void => {
    trace.push(snapshot(ipc, client, at));
    for (const watcher of watchers) watcher();
  };
  const run: Run = { ipc, client, trace, take, watchers };
  run.take('after connectTo');
  for (const type of events) client.on(type, () => run.take(type));
  return run;
}

/** Resolves once `run` recorded `count` snapshots at `at`. */
function reached(run: Run, at: string, count: number, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const seen = (): number => run.trace.filter((s) => s.at === at).length;
    if (seen() >= count) {
      resolve();
      return;
    }
    const check = (): void => {
      if (seen() < count) return;
      clearTimeout(timer);
      run.watchers.delete(check);
      resolve();
    };
    const timer = setTimeout(() => {
      run.watchers.delete(check);
      reject(new Error(`timed out after ${ms} ms with ${seen()} of ${count} '${at}' snapshots`));
    }, ms);
    run.watchers.add(check);
  });
}

/** The index of the `n`th snapshot taken at `at`. */
function nth(trace: Snapshot[], at: string, n: number): number {
  let seen = 0;
  return trace.findIndex((s) => s.at === at && ++seen === n);
}

/** Old and ours, same code: expects every side's trace to be the same. */
function expectSameTraces(runs: Run[]): void {
  const [ours, v9, v10] = runs as [Run, Run, Run];
  expect(v10.trace).withContext('9.2.9 and 10.1.11 agree').toEqual(v9.trace);
  expect(ours.trace).withContext('node-ipc-ts matches them').toEqual(v9.trace);
}

const FAILURE_EVENTS = ['error', 'disconnect', 'destroy'];

for (const target of TARGETS) {
  describe(`client fields as node-ipc 9.2.9 and 10.1.11 hold them (${target.name})`, () => {
    it('stopRetrying: true gives up at the first failure with retriesRemaining still maxRetries', async () => {
      const address = await target.nowhere();
      const runs = SIDES.map((side) => start(side, target, address, 3, FAILURE_EVENTS, true));
      await Promise.all(runs.map((run) => nextEvent(run.client, 'destroy')));
      expectSameTraces(runs);
      // The upstream assertion, after the first failure:
      for (const run of runs) {
        const firstError = run.trace.find((s) => s.at === 'error');
        expect(firstError?.retriesRemaining).toBe(run.ipc.config.maxRetries);
      }
      expect(runs[0]!.trace.map((s) => s.at)).toEqual(['after connectTo', 'error', 'disconnect', 'destroy']);
    });

    it('maxRetries 3 counts down before each attempt and gives up at 0', async () => {
      const address = await target.nowhere();
      const runs = SIDES.map((side) => start(side, target, address, 3, FAILURE_EVENTS));
      await Promise.all(runs.map((run) => nextEvent(run.client, 'destroy')));
      expectSameTraces(runs);
      expect(runs[0]!.trace.filter((s) => s.at === 'disconnect').map((s) => s.retriesRemaining)).toEqual([3, 2, 1, 0]);
      expect(runs[0]!.trace[0]).toEqual({
        at: 'after connectTo', retriesRemaining: 3, explicitlyDisconnected: false, socket: 'Socket', id: 'peer',
        path: target.name === 'unix' ? address : '127.0.0.1', port: target.name === 'unix' ? undefined : address, registered: true,
      });
    });

    it('maxRetries Infinity stays Infinity; ipc.disconnect marks the client and unregisters it', async () => {
      const address = await target.nowhere();
      const runs = SIDES.map((side) => start(side, target, address, Infinity, ['error', 'disconnect']));
      await Promise.all(runs.map((run) => reached(run, 'disconnect', 3)));
      for (const run of runs) {
        run.client.off('error', '*');
        run.client.off('disconnect', '*');
        // Only what happened up to the third drop is compared (the old retry loop runs on).
        run.trace.splice(nth(run.trace, 'disconnect', 3) + 1);
        run.ipc.disconnect('peer');
        run.take('after ipc.disconnect');
      }
      expectSameTraces(runs);
      expect(runs[0]!.trace.at(-1)).toEqual(jasmine.objectContaining({
        retriesRemaining: Infinity, explicitlyDisconnected: true, socket: 'closed Socket', registered: false,
      }));
    });

    it('maxRetries false: 0 until the first failure; the old code gives up there, ours retries on', async () => {
      const address = await target.nowhere();
      const runs = SIDES.map((side) => start(side, target, address, false, FAILURE_EVENTS));
      const [ours, ...old] = runs as [Run, Run, Run];
      await Promise.all(old.map((run) => nextEvent(run.client, 'destroy')));
      await reached(ours, 'disconnect', 2);
      const both = ['after connectTo', 'error', 'disconnect'];
      expect(old[0].trace.map((s) => s.at)).toEqual([...both, 'destroy']);
      expect(old[1].trace).toEqual(old[0].trace);
      expect(ours.trace.slice(0, 3)).toEqual(old[0].trace.slice(0, 3));
      expect(ours.trace[1]!.retriesRemaining).toBe(0);
      // Ours retried (BEHAVIOUR.md: false means forever); the counter was left as it was.
      expect(ours.trace.slice(3, 5).map((s) => [s.at, s.retriesRemaining])).toEqual([['error', 0], ['disconnect', 0]]);
    });

    for (const maxRetries of [3, Infinity, false]) {
      it(`maxRetries ${String(maxRetries)}: resets to maxRetries after each connect handler, and after a reconnect`, async () => {
        const peer = await target.listen();
        const events = ['connect', 'disconnect', 'destroy'];
        const runs = SIDES.map((side) => start(side, target, peer.address, maxRetries, events));
        // After the `connect` handlers ran (old code resets the counter right after them).
        for (const run of runs) run.client.on('connect', () => setImmediate(() => run.take('after connect')));
        await Promise.all(runs.map((run) => reached(run, 'after connect', 1)));
        // Every side's connection accepted, so the drop reaches all of them.
        await peer.accepted(runs.length);
        peer.drop();
        const [ours, ...old] = runs as [Run, Run, Run];
        if (maxRetries === false) {
          // The old code gives up at this drop (`false < 1`); ours reconnects (retry forever).
          await Promise.all(old.map((run) => nextEvent(run.client, 'destroy')));
          await reached(ours, 'after connect', 2);
          expect(old[1].trace).toEqual(old[0].trace);
          expect(old[0].trace.map((s) => [s.at, s.retriesRemaining])).toEqual([
            ['after connectTo', 0], ['connect', 0], ['after connect', false], ['disconnect', false], ['destroy', false],
          ]);
          expect(ours.trace.slice(0, 4)).toEqual(old[0].trace.slice(0, 4));
          expect(ours.trace.slice(4).map((s) => [s.at, s.retriesRemaining])).toEqual([['connect', false], ['after connect', false]]);
          return;
        }
        await Promise.all(runs.map((run) => reached(run, 'after connect', 2)));
        for (const run of runs) {
          run.ipc.disconnect('peer');
          run.take('after ipc.disconnect');
        }
        expectSameTraces(runs);
        const max = maxRetries === 3 ? 3 : Infinity;
        expect(ours.trace.map((s) => [s.at, s.retriesRemaining])).toEqual([
          ['after connectTo', max], ['connect', max], ['after connect', max], ['disconnect', max],
          ['connect', max - 1], ['after connect', max], ['after ipc.disconnect', max],
        ]);
        expect(ours.trace.at(-1)).toEqual(jasmine.objectContaining({ explicitlyDisconnected: true, socket: 'closed Socket', registered: false }));
        await nextEvent(ours.client, 'destroy');
        expect((ours.client as { socket: Socket }).socket.destroyed).toBe(true);
      }, 20000);
    }
  });
}
