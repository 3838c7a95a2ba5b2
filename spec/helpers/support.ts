/**
 * Shared spec tools: temp dirs, fresh silent IPC instances, and awaiting events with a
 * deadline (no sleeps: every wait is for an event, and fails naming it).
 *
 * Every client and server of a {@link freshIpc} instance is watched for `error`: the hub
 * never throws and `silent` hides the log, so an error nobody expected would otherwise pass
 * unseen. After the spec's teardown, any `error` the spec did not declare fails it, listed.
 * A spec declares the errors it expects with {@link expectErrors}; an `error` a spec awaits
 * with {@link nextEvent} / {@link collectEvents} is expected by that very wait. An `error`
 * arriving after its spec's check is blamed on no spec; IPC_LATE_ERRORS=1 prints them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { teardown } from './teardown';

/** Anything with node-ipc's `once`. */
export interface Subscribable {
  once(type: string, handler: (...args: any[]) => void): unknown;
  off(type: string, handler: any): unknown;
}

/** Resolves with the arguments of the next `type` event; rejects after `ms`, naming it. */
export function nextEvent(target: Subscribable, type: string, ms = 4000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const handler = (...args: unknown[]): void => {
      clearTimeout(timer);
      if (type === 'error') awaitedError(target, args[0]);
      resolve(args);
    };
    const timer = setTimeout(() => {
      target.off(type, handler);
      reject(new Error(`timed out after ${ms} ms waiting for '${type}'`));
    }, ms);
    target.once(type, handler);
  });
}

/** How long a collector keeps listening after its count was reached, to see a duplicate. */
export const SETTLE_MS = 50;

/**
 * Resolves with the arguments of exactly `count` events of `type`: after the count is reached
 * it keeps listening for `settleMs` and rejects if any more arrive (a message delivered
 * twice is a bug, not a pass). Rejects after `ms` with fewer.
 */
export function collectEvents(
  target: Subscribable & { on(type: string, handler: (...args: any[]) => void): unknown },
  type: string, count: number, ms = 8000, settleMs = SETTLE_MS,
): Promise<any[][]> {
  return new Promise((resolve, reject) => {
    const seen: any[][] = [];
    let settle: NodeJS.Timeout | undefined;
    const handler = (...args: unknown[]): void => {
      seen.push(args);
      if (type === 'error') awaitedError(target, args[0]);
      if (seen.length === count) {
        clearTimeout(timer);
        settle = setTimeout(() => {
          target.off(type, handler);
          resolve(seen);
        }, settleMs);
      } else if (seen.length > count) {
        clearTimeout(settle);
        target.off(type, handler);
        reject(new Error(`got ${seen.length} '${type}' events, expected exactly ${count}`));
      }
    };
    const timer = setTimeout(() => {
      target.off(type, handler);
      reject(new Error(`timed out after ${ms} ms with ${seen.length} of ${count} '${type}' events`));
    }, ms);
    target.on(type, handler);
  });
}

/** Resolves with what `promise` rejected with; fails if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The timers created since {@link watchTimers} began that have neither fired nor been cleared. */
export interface TimerWatch {
  live(): number;
}

/**
 * Watches every `setTimeout` made through the global from now until the spec ends, unref'd
 * ones included (`process.getActiveResourcesInfo()` counts only ref'd timers, and timers other
 * specs left running come and go in it, so counting there can neither see a leaked unref'd
 * timer nor stay still). A timer leaves the ledger when it fires or is cleared.
 */
export function watchTimers(): TimerWatch {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  const live = new Set<unknown>();
  const watchedSet = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): unknown => {
    const timer = realSet((...given: unknown[]) => {
      live.delete(timer);
      callback(...given);
    }, ms, ...args);
    live.add(timer);
    return timer;
  };
  const watchedClear = (timer: Parameters<typeof clearTimeout>[0]): void => {
    live.delete(timer);
    realClear(timer);
  };
  globalThis.setTimeout = watchedSet as unknown as typeof setTimeout;
  globalThis.clearTimeout = watchedClear;
  teardown.add(() => {
    globalThis.setTimeout = realSet;
    globalThis.clearTimeout = realClear;
  });
  return { live: () => live.size };
}

/** A fresh temp dir, removed after the spec. Short, because Unix socket paths are ~104 bytes at most. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-'));
  teardown.add(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh, silent IPC instance whose clients and server are stopped after the spec. */
export function freshIpc(configure?: (config: IPCModule['config']) => void): IPCModule {
  const ipc = new IPCModule();
  ipc.config.silent = true;
  ipc.config.retry = 50;
  configure?.(ipc.config);
  teardown.add(() => stopAll(ipc));
  watchErrors(ipc);
  return ipc;
}

/** Anything publishing node-ipc events. */
interface Hub {
  on(type: string, handler: (...args: any[]) => void): unknown;
}

interface SeenError {
  label: string;
  target: object;
  owner: object;
  err: unknown;
  /** Awaited by the spec (nextEvent / collectEvents on 'error'). */
  awaited: boolean;
}

/** The `error` events of the current spec and what it declared. */
const errorWatch = {
  /** Bumped after each spec, so an `error` arriving after a spec's check is not blamed on the next. */
  generation: 0,
  seen: [] as SeenError[],
  declared: [] as Array<{ target: object; codes: string[] }>,
  /** The running spec's full name (for IPC_LATE_ERRORS). */
  spec: '',
};

if (process.env.IPC_LATE_ERRORS) {
  jasmine.getEnv().addReporter({ specStarted: (result) => { errorWatch.spec = result.fullName; } });
}

function errorCode(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? code : err.name;
  }
  return `non-Error ${JSON.stringify(err)}`;
}

function awaitedError(target: object, err: unknown): void {
  const entry = errorWatch.seen.find((e) => e.target === target && e.err === err && !e.awaited);
  if (entry !== undefined) entry.awaited = true;
}

function watchHub(hub: Hub, label: string, owner: object): void {
  const generation = errorWatch.generation;
  const specName = errorWatch.spec;
  hub.on('error', (err: unknown) => {
    if (generation !== errorWatch.generation) {
      if (process.env.IPC_LATE_ERRORS) console.error(`LATE ERROR ${label}: ${errorCode(err)} (${err instanceof Error ? err.message : String(err)}) from '${specName}' during '${errorWatch.spec}'`);
      return;
    }
    errorWatch.seen.push({ label, target: hub, owner, err, awaited: false });
  });
  teardown.check(verifyErrors);
}

/**
 * Fails the spec (from its teardown) on any `error` its clients or server published that it
 * did not declare. Runs after the cleanup steps, so errors of the cleanup itself count too.
 */
async function verifyErrors(): Promise<void> {
  // Errors the last teardown step caused are published on a later tick.
  await new Promise((resolve) => setImmediate(resolve));
  const { seen, declared } = errorWatch;
  errorWatch.generation++;
  errorWatch.seen = [];
  errorWatch.declared = [];
  const undeclared = seen.filter((e) => !e.awaited && !declared.some((d) =>
    (d.target === e.target || d.target === e.owner) && (d.codes.length === 0 || d.codes.includes(errorCode(e.err)))));
  if (undeclared.length === 0) return;
  const list = undeclared.map((e) => `${e.label}: ${errorCode(e.err)} (${e.err instanceof Error ? e.err.message : String(e.err)})`);
  throw new Error(`${undeclared.length} undeclared 'error' event(s): ${list.join('; ')}`);
}

/**
 * Watches `ipc.server` and every client registered in `ipc.of` (now or later) for `error`.
 * {@link freshIpc} does it; call it for an instance made otherwise.
 */
export function watchErrors(ipc: { of: Record<string, unknown>; server: unknown }): void {
  let server: unknown = ipc.server;
  Object.defineProperty(ipc, 'server', {
    configurable: true,
    enumerable: true,
    get: () => server,
    set: (value: unknown) => {
      server = value;
      if (value !== false && value !== null && typeof value === 'object') watchHub(value as Hub, 'server', ipc);
    },
  });
  ipc.of = new Proxy(ipc.of, {
    set(target, id, client) {
      const ok = Reflect.set(target, id, client);
      if (typeof id === 'string' && client !== undefined) watchHub(client as Hub, `of.${id}`, ipc);
      return ok;
    },
  });
}

/**
 * Declares that `target` (a client, a server, or an IPC instance for all of its clients and
 * its server) may publish `error` in this spec: with `codes`, only errors of those codes
 * (`err.code`, else `err.name`). Say at the call why the spec expects them.
 */
export function expectErrors(target: object, ...codes: string[]): void {
  errorWatch.declared.push({ target, codes });
  teardown.check(verifyErrors);
}

/** Disconnects every client and stops the server of `ipc`. */
export function stopAll(ipc: IPCModule): void {
  for (const id of Object.keys(ipc.of)) ipc.disconnect(id);
  // `ipc.server` is typed Server (as in @types/node-ipc) but is `false` until serve().
  if ((ipc.server as Server | false) !== false) ipc.server.stop();
}

/** Starts `ipc.server` and resolves once it published `start`; rejects with its `error`. */
export function started(server: Server | false, ms = 4000): Promise<Server> {
  if (server === false) return Promise.reject(new Error('no server: call serve() or serveNet() first'));
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      server.off('start', onStart);
      server.off('error', onError);
    };
    const onStart = (): void => { done(); resolve(server); };
    const onError = (err: unknown): void => {
      done();
      // Handed to the spec as the rejection: expected as much as an awaited `error`.
      awaitedError(server, err);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const timer = setTimeout(() => { done(); reject(new Error(`server did not start within ${ms} ms`)); }, ms);
    server.on('start', onStart);
    server.on('error', onError);
    server.start();
  });
}

/** The transports every stream suite runs over. */
export interface StreamTransport {
  name: 'unix' | 'tcp';
  /** Makes `server` a listening server of this transport and returns how clients reach it. */
  serve(ipc: IPCModule, dir: string): Promise<Server>;
  /** Connects `client` (`id`) of `ipc` to `server`. */
  connect(ipc: IPCModule, id: string, server: Server, callback?: () => void): void;
}

export const STREAM_TRANSPORTS: StreamTransport[] = [
  {
    name: 'unix',
    async serve(ipc, dir) {
      ipc.serve(join(dir, 's.sock'));
      return started(ipc.server);
    },
    connect(ipc, id, server, callback) {
      ipc.connectTo(id, server.path, callback);
    },
  },
  {
    name: 'tcp',
    async serve(ipc) {
      ipc.serveNet('127.0.0.1', 0);
      return started(ipc.server);
    },
    connect(ipc, id, server, callback) {
      ipc.connectToNet(id, '127.0.0.1', server.port as number, callback);
    },
  },
];
