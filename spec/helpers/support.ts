/**
 * Shared spec tools: temp dirs, fresh silent IPC instances, and awaiting events with a
 * deadline (no sleeps: every wait is for an event, and fails naming it).
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
      resolve(args);
    };
    const timer = setTimeout(() => {
      target.off(type, handler);
      reject(new Error(`timed out after ${ms} ms waiting for '${type}'`));
    }, ms);
    target.once(type, handler);
  });
}

/** Resolves after `count` events of `type`, with the arguments of each. */
export function collectEvents(target: Subscribable & { on(type: string, handler: (...args: any[]) => void): unknown }, type: string, count: number, ms = 8000): Promise<any[][]> {
  return new Promise((resolve, reject) => {
    const seen: any[][] = [];
    const handler = (...args: unknown[]): void => {
      seen.push(args);
      if (seen.length === count) {
        clearTimeout(timer);
        target.off(type, handler);
        resolve(seen);
      }
    };
    const timer = setTimeout(() => {
      target.off(type, handler);
      reject(new Error(`timed out after ${ms} ms with ${seen.length} of ${count} '${type}' events`));
    }, ms);
    target.on(type, handler);
  });
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
  return ipc;
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
    const onError = (err: unknown): void => { done(); reject(err instanceof Error ? err : new Error(String(err))); };
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
