/**
 * The IPC instance: holds `config`, the clients in `of` and the `server`, and delegates to
 * {@link Client} and {@link Server}. The package's default export is one of these.
 */
import { disposeIpc } from './async/dispose';
import type { AnyRequests, RequestMap } from './async/request-map';
import { Client } from './client';
import { defaultConfig, type IpcConfig } from './config';
import { socketRootOf } from './profile';
import { assertOptionalFunction, invalidArgument, warnOnce } from './errors';
import type { AnyEvents, EventMap } from './event-map';
import { writeLog } from './log';
import { Server } from './server';

/**
 * Called once a client is registered (`connectTo`, with the IPC instance) or the server
 * started (`serve`). Why `any` arguments: node-ipc passed different ones per call site.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-ipc callbacks get varying arguments
export type Callback = (...args: any[]) => void;

/** The UDP server types `serveNet` takes. Default: none (a TCP or TLS server). */
export type UDPType = 'udp4' | 'udp6';

/**
 * An IPC instance: its own config, clients and server. `E` is an optional event map
 * (`new IPCModule<{ ping: { n: number } }>()`) that types `of[id]` and `server`; the
 * default `AnyEvents` keeps the `@types/node-ipc` style of `any` payloads.
 */
export class IPC<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> {
  /** This instance's configuration; clients and servers made later read it. Defaults: see {@link IpcConfig}. */
  config: IpcConfig = defaultConfig();
  /** Clients by id, as registered by `connectTo` / `connectToNet`. A missing id is `undefined` at run time. */
  of: Record<string, Client<E, R>> = Object.create(null) as Record<string, Client<E, R>>;
  /**
   * The server made by `serve` / `serveNet`. It is `false` until one of them runs; typed as
   * a `Server` (as `@types/node-ipc` did) so handlers can be attached without a check.
   */
  server: Server<E, R> = false as unknown as Server<E, R>;
  /**
   * Closes every client (`close()`) and the server (`close()`), for `await using`. Present
   * where the runtime has `Symbol.asyncDispose` (Node 18.18+, 20.4+); installed below.
   */
  declare [Symbol.asyncDispose]: () => Promise<void>;

  /**
   * Logs its arguments joined by a space (objects through `util.inspect` with
   * `config.logDepth` and `config.logInColor`) to `config.logger`, unless `config.silent`.
   */
  log(...args: unknown[]): void {
    writeLog(this.config, args);
  }

  /**
   * Connects to a Unix socket or Windows named pipe server. `path` defaults to
   * `config.socketRoot + config.appspace + id`. The client is at `ipc.of[id]` before the
   * callback runs, so the callback can attach handlers.
   */
  connectTo(id: string, callback?: Callback): void;
  connectTo(id: string, path?: string, callback?: Callback): void;
  connectTo(id: string, path?: string | Callback, callback?: Callback): void {
    const key = clientKey(this, 'connectTo', id);
    if (key === undefined) return;
    if (typeof path === 'function') {
      callback = path;
      path = undefined;
    }
    if (path !== undefined && typeof path !== 'string') throw invalidArgument('path', 'a string', path);
    assertOptionalFunction('callback', callback);
    const socketPath = path || socketRootOf(this.config) + this.config.appspace + key;
    this._connect(key, { path: socketPath }, callback);
  }

  /**
   * Connects to a TCP server (TLS when `config.tls` is set). Arguments may be left out as
   * long as they stay in order: `(id)`, `(id, port)`, `(id, host, port, callback)`, ...
   * `host` defaults to `config.networkHost`, `port` to `config.networkPort`.
   */
  connectToNet(id: string, callback?: Callback): void;
  connectToNet(id: string, hostOrPort: string | number, callback?: Callback): void;
  connectToNet(id: string, host?: string, port?: number, callback?: Callback): void;
  connectToNet(id: string, host?: string | number | Callback, port?: number | Callback, callback?: Callback): void {
    const key = clientKey(this, 'connectToNet', id);
    if (key === undefined) return;
    if (typeof host === 'number') {
      callback = port as Callback | undefined;
      port = host;
      host = undefined;
    } else if (typeof host === 'function') {
      callback = host;
      host = undefined;
      port = undefined;
    }
    if (typeof port === 'function') {
      callback = port;
      port = undefined;
    }
    if (host !== undefined && typeof host !== 'string') throw invalidArgument('host', 'a string', host);
    if (port !== undefined && !isPort(port)) throw invalidArgument('port', 'an integer from 0 to 65535', port);
    assertOptionalFunction('callback', callback);
    const target = { host: host || this.config.networkHost, port: port ?? this.config.networkPort };
    this._connect(key, target, callback);
  }

  /**
   * Stops the client `id`: no further retries (a pending retry is cancelled), socket closed,
   * `ipc.of[id]` deleted. Its `disconnect` and `destroy` handlers still run.
   */
  disconnect(id: string): void {
    // node-ipc returned when `of[id]` was empty, whatever the id; no client has a symbol key.
    const key = clientKey(this, 'disconnect', id, false);
    if (key === undefined) return;
    const client = this.of[key];
    if (client === undefined) return;
    delete this.of[key];
    // node-ipc removed the catch-all handlers here (`off('*', '*')`).
    client.off('*', '*');
    client.disconnectNow();
  }

  /**
   * Makes a Unix socket / Windows named pipe server at `ipc.server`; `path` defaults to
   * `config.socketRoot + config.appspace + config.id`. Nothing listens before
   * `ipc.server.start()`; `callback` runs on `start`.
   */
  serve(callback?: Callback | null): void;
  serve(path: string, callback?: Callback): void;
  serve(path?: string | Callback | null, callback?: Callback): void {
    // node-ipc treated any falsy path (null included) as "use the default".
    if (path === null) path = undefined;
    if (typeof path === 'function') {
      callback = path;
      path = undefined;
    }
    if (path !== undefined && typeof path !== 'string') throw invalidArgument('path', 'a string', path);
    assertOptionalFunction('callback', callback);
    const socketPath = path || socketRootOf(this.config) + this.config.appspace + this.config.id;
    this._replaceServer(new Server<E, R>(socketPath, this.config, this.log), callback);
  }

  /**
   * Makes a TCP (TLS when `config.tls` is set) or UDP server at `ipc.server`. Arguments may
   * be left out as long as they stay in order: `()`, `('udp4')`, `(port)`, `(port, 'udp4', cb)`,
   * `(host, port, cb)`, `(host, port, 'udp6', cb)`, ... `host` defaults to
   * `config.networkHost`, `port` to `config.networkPort`; port 0 lets the OS choose.
   */
  serveNet(callbackOrPort?: Callback | number): void;
  serveNet(UDPType: UDPType, callback?: Callback): void;
  serveNet(port: number, callback?: Callback): void;
  serveNet(port: number, UDPType: UDPType, callback?: Callback): void;
  serveNet(host: string, port: number, callback?: Callback): void;
  serveNet(host?: string, port?: number, UDPType?: UDPType, callback?: Callback): void;
  serveNet(host?: string | number | Callback, port?: number | string | Callback, UDPType?: string | Callback, callback?: Callback): void {
    const args: unknown[] = [host, port, UDPType, callback];
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    // Four arguments: the last can only be the callback, whatever it is.
    if (args.length === 4 && typeof args[3] !== 'function') throw invalidArgument('callback', 'a function', args[3]);
    let cb: Callback | undefined;
    if (typeof args[args.length - 1] === 'function') cb = args.pop() as Callback;
    let udp: UDPType | undefined;
    const last = args[args.length - 1];
    if (typeof last === 'string' && isUdpType(last)) {
      udp = last.toLowerCase() as UDPType;
      args.pop();
    } else if (typeof last === 'string' && args.length >= 2) {
      // node-ipc took a string after the host or port as the UDP type, and served TCP for
      // any other than udp4/udp6: `serveNet(host, '80')` served on config.networkPort.
      warnOnce('NODEIPC_UNKNOWN_UDP_TYPE', `serveNet() was given ${JSON.stringify(last)}, neither a port number nor 'udp4'/'udp6'; it was ignored as node-ipc ignored it, and the server is TCP${typeof args[0] === 'number' || args.length > 2 ? '' : ' on config.networkPort'}.`);
      args.pop();
    }
    let h: unknown;
    let p: unknown;
    if (args.length === 1) {
      if (typeof args[0] === 'number') p = args[0];
      else h = args[0];
    } else if (args.length >= 2) {
      [h, p] = args;
      if (args.length > 2) throw invalidArgument('UDPType', "'udp4' or 'udp6'", args[2]);
    }
    if (h !== undefined && h !== false && typeof h !== 'string') throw invalidArgument('host', 'a string', h);
    if (p !== undefined && p !== false && !isPort(p)) throw invalidArgument('port', 'an integer from 0 to 65535', p);
    assertOptionalFunction('callback', cb);
    const chosenPort = typeof p === 'number' ? p : this.config.networkPort;
    const server = new Server<E, R>((h as string | undefined) || this.config.networkHost, this.config, this.log, chosenPort);
    if (udp !== undefined) server[udp] = true;
    this._replaceServer(server, cb);
  }

  private _connect(id: string, target: { path: string } | { host: string; port: number }, callback: Callback | undefined): void {
    const existing = this.of[id];
    if (existing !== undefined) {
      if (existing.socket !== false && !existing.socket.destroyed && !existing.destroyed) {
        if (!this.config.silent) this.log('Already Connected to', id, '- So executing success without connection');
        callback?.();
        return;
      }
      existing.disconnectNow();
    }
    const client = new Client<E, R>(this.config, this.log, id, target);
    this.of[id] = client;
    client.registerWith(this);
    client.connect();
    callback?.(this);
  }

  private _replaceServer(server: Server<E, R>, callback: Callback | undefined): void {
    if (callback !== undefined) (server as Server).on('start', callback);
    this.server = server;
  }
}

/**
 * The `ipc.of` key of a client id. node-ipc 9 and 10 logged and did nothing for a missing id
 * (any falsy value) and used any other value as a property key; so does this, telling the
 * programmer once (NODEIPC_NO_ID, NODEIPC_ID_NOT_STRING). A symbol made node-ipc throw
 * while connecting (it built a path or a log line from it): a TypeError there; `disconnect`
 * (`connecting` false) finds no client under it.
 */
function clientKey(ipc: Pick<IPC, 'config' | 'log'>, method: string, id: unknown, connecting = true): string | undefined {
  if (typeof id === 'string' && id.length > 0) return id;
  if (!id) {
    if (connecting && !ipc.config.silent) ipc.log('Service id required', 'Requested service connection without specifying service id. Aborting connection attempt');
    warnOnce('NODEIPC_NO_ID', `ipc.${method}() was called without a client id (${id === '' ? "''" : String(id)}) and did nothing, as node-ipc did.`);
    return undefined;
  }
  if (typeof id === 'symbol' && connecting) throw invalidArgument('id', 'a non-empty string', id);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- as a property key, the way node-ipc used it
  const key = typeof id === 'symbol' ? undefined : String(id);
  warnOnce('NODEIPC_ID_NOT_STRING', `ipc.${method}() was given a client id of type ${typeof id}; ${key === undefined ? 'no client is registered under it' : `it is used as the string ${JSON.stringify(key)}`}, as in node-ipc. Pass a string.`);
  return key;
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

function isUdpType(value: string): boolean {
  const lower = value.toLowerCase();
  return lower === 'udp4' || lower === 'udp6';
}

// node-ipc v10 made these accessors whose setters ignore assignment (v9: read-only
// properties). Here they are accessors too, returning the method bound to its instance, so
// `const { connectTo } = ipc` works and `ipc.connectTo = x` breaks nothing (BEHAVIOUR.md).
const BOUND = Symbol('node-ipc-ts.bound');
type Bindable = IPC & { [BOUND]?: Map<string, unknown> };
for (const name of ['log', 'connectTo', 'connectToNet', 'disconnect', 'serve', 'serveNet'] as const) {
  const method = IPC.prototype[name] as (...args: unknown[]) => unknown;
  Object.defineProperty(IPC.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: Bindable) {
      const cache = this[BOUND] ?? (this[BOUND] = new Map<string, unknown>());
      let bound: unknown = cache.get(name);
      if (bound === undefined) {
        bound = method.bind(this);
        cache.set(name, bound);
      }
      return bound;
    },
    set() {
      // Ignored, as in node-ipc v10.
    },
  });
}

// `await using ipc = new IPCModule()`: closes its clients and server (README "Async API").
// Installed only where the runtime has the symbol (Node 18.18+, 20.4+).
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(IPC.prototype, Symbol.asyncDispose, {
    configurable: true,
    enumerable: false,
    writable: true,
    value(this: IPC): Promise<void> {
      return disposeIpc(this);
    },
  });
}

/**
 * The class of the default export; `new IPCModule()` makes an independent instance,
 * `new IPCModule<Events>()` a typed one.
 */
export class IPCModule<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> extends IPC<E, R> {
  /** The base class, as node-ipc exposes it on every instance (`new ipc.IPC()`, `new ipc.IPC<Events>()`). */
  get IPC(): typeof IPC {
    return IPC;
  }
}
