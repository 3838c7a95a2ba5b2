/**
 * Tools of the hardening specs: every stream transport including TLS, raw peers that speak
 * bytes instead of the protocol, resource snapshots, and waiting for a condition with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { started } from './support';
import { teardown } from './teardown';

const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');

/** A stream transport, TLS included. */
export interface HardTransport {
  name: 'unix' | 'tcp' | 'tls';
  /** Sets what this transport needs in a server's config. */
  configureServer(config: IPCModule['config']): void;
  /** Sets what this transport needs in a client's config. */
  configureClient(config: IPCModule['config']): void;
  /** Makes and starts `ipc.server` (configureServer applied first). */
  serve(ipc: IPCModule, dir: string): Promise<Server>;
  /** Registers client `id` of `ipc` (configureClient applied first) and starts connecting. */
  connect(ipc: IPCModule, id: string, server: Server): void;
}

function tlsServerConfig(config: IPCModule['config']): void {
  config.tls = { private: join(CERTS, 'server.key'), public: join(CERTS, 'server.pem') };
}

function tlsClientConfig(config: IPCModule['config']): void {
  config.tls = { rejectUnauthorized: false };
}

function none(): void {
  // plain transports need no config
}

export const HARD_TRANSPORTS: HardTransport[] = [
  {
    name: 'unix',
    configureServer: none,
    configureClient: none,
    async serve(ipc, dir) {
      ipc.serve(join(dir, 's.sock'));
      return started(ipc.server);
    },
    connect(ipc, id, server) {
      ipc.connectTo(id, server.path);
    },
  },
  {
    name: 'tcp',
    configureServer: none,
    configureClient: none,
    async serve(ipc) {
      ipc.serveNet('127.0.0.1', 0);
      return started(ipc.server);
    },
    connect(ipc, id, server) {
      ipc.connectToNet(id, '127.0.0.1', server.port as number);
    },
  },
  {
    name: 'tls',
    configureServer: tlsServerConfig,
    configureClient: tlsClientConfig,
    async serve(ipc) {
      tlsServerConfig(ipc.config);
      ipc.serveNet('127.0.0.1', 0);
      return started(ipc.server);
    },
    connect(ipc, id, server) {
      tlsClientConfig(ipc.config);
      ipc.connectToNet(id, '127.0.0.1', server.port as number);
    },
  },
];

/** A bare socket of the server's transport (TLS when `tls`), closed after the spec. */
export async function rawPeer(server: Server, tls = false): Promise<Socket> {
  let socket: Socket;
  let ready: string;
  if (server.port === false) {
    socket = netConnect({ path: server.path });
    ready = 'connect';
  } else if (tls) {
    socket = tlsConnect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false });
    ready = 'secureConnect';
  } else {
    socket = netConnect({ host: '127.0.0.1', port: server.port });
    ready = 'connect';
  }
  teardown.add(() => socket.destroy());
  await new Promise((resolve, reject) => {
    socket.once(ready, resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Resolves once `socket` closed; rejects after `ms`. */
export function closedWithin(socket: Socket, ms = 8000): Promise<void> {
  if (socket.destroyed && socket.closed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket not closed within ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Active handles and timers by type (`process.getActiveResourcesInfo()`), without the noise:
 * Immediates and requests come and go, and stdio pipes show up while the reporter writes.
 */
export function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) {
    if (type === 'Immediate' || type.endsWith('Req') || type.startsWith('FSReq') || type === 'TTYWrap') continue;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  const stdio = handles.filter((h) => h === process.stdout || h === process.stderr || h === process.stdin).length;
  if (counts.PipeWrap !== undefined) {
    counts.PipeWrap -= stdio;
    if (counts.PipeWrap <= 0) delete counts.PipeWrap;
  }
  return counts;
}

/** True when two {@link resourceCounts} are equal. */
export function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] ?? 0) !== (b[key] ?? 0)) return false;
  return true;
}

/** Total count of active resources of the given types. */
export function resourcesOf(types: string[]): number {
  return process.getActiveResourcesInfo().filter((type) => types.includes(type)).length;
}

/**
 * Polls `condition` each 10 ms until it holds; rejects after `ms` naming `what`. For states
 * no event announces (a handle count settling after sockets close).
 */
export function until(condition: () => boolean, what: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) {
        resolve();
        return;
      }
      if (Date.now() > deadline) {
        reject(new Error(`timed out after ${ms} ms waiting until ${what}`));
        return;
      }
      // Checked from an Immediate: a Timeout counts as active while its own callback runs.
      setTimeout(setImmediate, 10, check);
    };
    check();
  });
}

/** The built library for child-process fixtures (`npm test` builds both). */
export const BUILT_LIBRARY = join(__dirname, '..', 'src', 'index.js');

/** Where fixtures live (the .js files are not compiled, they sit in spec/fixtures). */
export const FIXTURES = join(__dirname, '..', '..', '..', 'spec', 'fixtures');

/** A child process whose stdout lines can be awaited. Killed (SIGKILL) after the spec. */
export class ChildLines {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  #waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, args: string[]) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    teardown.add(() => this.kill());
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    let rest = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        for (const waiter of this.#waiters.slice()) {
          const match = line.match(waiter.re);
          if (match) {
            this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
            waiter.resolve(match);
          }
        }
      }
    });
  }

  /** Resolves with the match of the first line (seen or to come) matching `re`. */
  line(re: RegExp, ms = 8000): Promise<RegExpMatchArray> {
    for (const seen of this.lines) {
      const match = seen.match(re);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child printed no line matching ${String(re)} within ${ms} ms`)), ms);
      this.#waiters.push({ re, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  kill(): Promise<unknown> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/**
 * Resolves once {@link resourceCounts} stayed the same for 100 ms (at most `ms`): the handles
 * an earlier spec's teardown closed are gone, so a baseline taken now is this spec's own.
 */
export async function quiesced(ms = 3000): Promise<Record<string, number>> {
  const deadline = Date.now() + ms;
  let last = resourceCounts();
  let stableSince = Date.now();
  while (Date.now() - stableSince < 100 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(setImmediate, 10, resolve));
    const now = resourceCounts();
    if (!sameCounts(now, last)) {
      last = now;
      stableSince = Date.now();
    }
  }
  return last;
}

/** Cuts `bytes` into chunks at the given fractions of its length (sorted, deduplicated). */
export function cutAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * (bytes.length + 1))))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    if (point > from && point < bytes.length) {
      chunks.push(bytes.subarray(from, point));
      from = point;
    }
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}
