/**
 * The two ends of the wire-interop matrix: the published packages we replace
 * (`@achrinza/node-ipc` 9.2.9 and 10.1.11, loaded in-process as dev dependencies) and ours.
 * Both share node-ipc's API, so one loosely typed {@link AnyIpc} drives either end.
 *
 * The old code leaks: `server.stop()` leaves client sockets open and old clients retry for
 * ever, so every old instance is torn down by hand (clients disconnected, server sockets
 * destroyed, listener closed).
 */
import { createSocket } from 'node:dgram';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SETTLE_MS, freshIpc, started, watchErrors } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const load = createRequire(__filename);

/** The API old and new share. Loosely typed: the old packages ship no types. */
export interface AnyIpc {
  config: any;
  of: Record<string, any>;
  server: any;
  serve(path: string, callback?: () => void): void;
  serveNet(...args: unknown[]): void;
  connectTo(id: string, path: string, callback?: () => void): void;
  connectToNet(id: string, host: string, port: number, callback?: () => void): void;
  disconnect(id: string): void;
}

/** One end of the matrix: an old package or ours. */
export interface Side {
  readonly name: string;
  readonly old: boolean;
  /** A fresh silent instance (retry 50 ms), torn down after the spec. */
  create(configure?: (config: any) => void): AnyIpc;
  /** The port to ask for: 0 for ours; a free one for old servers (their serveNet turns 0 into 8000). */
  port(kind: 'tcp' | 'udp4'): Promise<number>;
  /** Starts `ipc.server` and resolves once it listens. */
  start(ipc: AnyIpc, udp?: boolean): Promise<void>;
  /** Stops `ipc.server` so that its clients see the connection drop. */
  stopServer(ipc: AnyIpc): void;
}

export const OURS: Side = {
  name: 'node-ipc-ts',
  old: false,
  create(configure) {
    return freshIpc(configure);
  },
  port() {
    return Promise.resolve(0);
  },
  async start(ipc) {
    await started(ipc.server);
  },
  stopServer(ipc) {
    ipc.server.stop();
  },
};

function oldSide(name: string, construct: () => AnyIpc): Side {
  return {
    name,
    old: true,
    create(configure) {
      const ipc = construct();
      ipc.config.silent = true;
      ipc.config.retry = 50;
      configure?.(ipc.config);
      teardown.add(() => stopOld(ipc));
      watchErrors(ipc);
      return ipc;
    },
    port: freePort,
    start: startOld,
    stopServer: stopOldServer,
  };
}

/** The old packages, each instance made fresh (never the shared singleton). */
export const OLD_SIDES: Side[] = [
  oldSide('@achrinza/node-ipc 9.2.9', () => new (load('achrinza-ipc-9').IPC)()),
  oldSide('@achrinza/node-ipc 10.1.11', () => new (load('achrinza-ipc-10').IPCModule)()),
];

/**
 * A port nothing listens on now: bound on port 0, read, released. Linux hands out port-0
 * ports at random, so the window in which another process takes it is negligible.
 */
export function freePort(kind: 'tcp' | 'udp4'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === 'udp4') {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
      return;
    }
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * Starts an old server. Stream servers publish `start` once listening; an old UDP server
 * publishes `start` synchronously before its bind completes, and `connect` once listening.
 */
function startOld(ipc: AnyIpc, udp = false, ms = 4000): Promise<void> {
  const server = ipc.server;
  const ready = udp ? 'connect' : 'start';
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      server.off('error', onError);
      resolve();
    };
    const onError = (err: unknown): void => {
      clearTimeout(timer);
      server.off(ready, onReady);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const timer = setTimeout(() => {
      server.off(ready, onReady);
      server.off('error', onError);
      reject(new Error(`old server did not publish '${ready}' within ${ms} ms`));
    }, ms);
    server.once(ready, onReady);
    server.once('error', onError);
    server.start();
  });
}

/** Old `server.stop()` only closes the listener; its client sockets stay open, so destroy them. */
function stopOldServer(ipc: AnyIpc): void {
  const server = ipc.server;
  if (!server || !server.server) return;
  for (const socket of server.sockets.slice()) {
    if (typeof socket.destroy === 'function') socket.destroy();
  }
  try {
    server.server.close();
  } catch {
    // already closed
  }
}

function stopOld(ipc: AnyIpc): void {
  for (const id of Object.keys(ipc.of)) ipc.disconnect(id);
  stopOldServer(ipc);
}

/** Where a client reaches a server. */
export type Address = { path: string } | { host: string; port: number };

const CERTS = join(__dirname, '..', '..', '..', 'example', 'certs');
const cert = (file: string): string => join(CERTS, file);

/** A stream transport both ends speak. */
export interface InteropTransport {
  readonly name: 'unix' | 'tcp' | 'tls' | 'tls-basic';
  configureServer(config: any): void;
  configureClient(config: any): void;
  /** Makes `ipc.server` (serve / serveNet), starts it, and returns where clients connect. */
  listen(side: Side, ipc: AnyIpc, dir: string): Promise<Address>;
  /** Like `listen`, at an address a stopped server had (a restart). */
  listenAt(side: Side, ipc: AnyIpc, address: Address): Promise<void>;
  /** Registers client `id` of `ipc` and starts connecting. */
  connect(ipc: AnyIpc, id: string, address: Address): void;
}

async function listenNet(side: Side, ipc: AnyIpc): Promise<Address> {
  ipc.serveNet('127.0.0.1', await side.port('tcp'));
  await side.start(ipc);
  return { host: '127.0.0.1', port: ipc.server.port as number };
}

async function listenNetAt(side: Side, ipc: AnyIpc, address: Address): Promise<void> {
  const { host, port } = address as { host: string; port: number };
  ipc.serveNet(host, port);
  await side.start(ipc);
}

function connectNet(ipc: AnyIpc, id: string, address: Address): void {
  const { host, port } = address as { host: string; port: number };
  ipc.connectToNet(id, host, port);
}

function noConfig(): void {
  // plain transports need no config
}

/**
 * unix, tcp, tls (mutual: each side presents a certificate the other's CA list trusts) and
 * tls-basic (upstream's basic example: server certificate only, `rejectUnauthorized: false`).
 * Network servers get `unlink: false`: old servers otherwise `fs.unlink(host)` relative to
 * the working directory before listening.
 */
export const INTEROP_TRANSPORTS: InteropTransport[] = [
  {
    name: 'unix',
    configureServer: noConfig,
    configureClient: noConfig,
    async listen(side, ipc, dir) {
      const path = join(dir, 's.sock');
      ipc.serve(path);
      await side.start(ipc);
      return { path };
    },
    async listenAt(side, ipc, address) {
      ipc.serve((address as { path: string }).path);
      await side.start(ipc);
    },
    connect(ipc, id, address) {
      ipc.connectTo(id, (address as { path: string }).path);
    },
  },
  {
    name: 'tcp',
    configureServer(config) {
      config.unlink = false;
    },
    configureClient: noConfig,
    listen: listenNet,
    listenAt: listenNetAt,
    connect: connectNet,
  },
  {
    name: 'tls',
    configureServer(config) {
      config.unlink = false;
      config.tls = {
        private: cert('server.key'),
        public: cert('server.pem'),
        trustedConnections: [cert('ca.pem')],
        requestCert: true,
        rejectUnauthorized: true,
      };
    },
    configureClient(config) {
      config.tls = {
        private: cert('client.key'),
        public: cert('client.pem'),
        trustedConnections: [cert('ca.pem')],
        rejectUnauthorized: true,
      };
    },
    listen: listenNet,
    listenAt: listenNetAt,
    connect: connectNet,
  },
  {
    // The upstream basic TLS example: the server shows a certificate, the client checks nothing.
    name: 'tls-basic',
    configureServer(config) {
      config.unlink = false;
      config.tls = { private: cert('server.key'), public: cert('server.pem') };
    },
    configureClient(config) {
      config.tls = { rejectUnauthorized: false };
    },
    listen: listenNet,
    listenAt: listenNetAt,
    connect: connectNet,
  },
];

/**
 * Resolves with exactly `length` bytes of `data` events (`(buffer)` on clients, `(buffer,
 * socket)` on servers); raw mode has no framing, so chunks may merge or split. Once `length`
 * arrived it keeps listening for `settleMs` and rejects if more bytes come (a duplicate).
 */
export function collectBytes(target: any, length: number, ms = 8000, settleMs = SETTLE_MS): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settle: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      total += chunk.length;
      if (total < length) return;
      clearTimeout(timer);
      clearTimeout(settle);
      if (total > length) {
        target.off('data', onData);
        reject(new Error(`got ${total} raw bytes, expected exactly ${length}`));
        return;
      }
      settle = setTimeout(() => {
        target.off('data', onData);
        resolve(Buffer.concat(chunks));
      }, settleMs);
    };
    const timer = setTimeout(() => {
      target.off('data', onData);
      reject(new Error(`timed out after ${ms} ms with ${total} of ${length} raw bytes`));
    }, ms);
    target.on('data', onData);
  });
}
