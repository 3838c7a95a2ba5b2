/**
 * `ipc.config`: every key of node-ipc's Defaults, plus the limits this library adds.
 * Defaults are node-ipc's (BEHAVIOUR.md "Config defaults") unless a key says otherwise.
 */
import { hostname } from 'node:os';
import type { LookupFunction } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { Parser, ParserClass } from './codec/parsers/parser';

/**
 * Options a client connection is made through (`config.interface`; README spelling
 * `interfaces`). Every key is optional: `false` or absent means "let the OS choose".
 */
export interface InterfaceConfig {
  /** Local address the client binds before connecting. Default `false` (let the OS choose). */
  localAddress?: string | false | undefined;
  /** Local port the client binds before connecting. Default `false` (let the OS choose). */
  localPort?: number | false | undefined;
  /** IP family for the host lookup (4 or 6). Default `false` (either). */
  family?: 4 | 6 | 0 | false | undefined;
  /** `dns.lookup` hints. Default `false` (none). */
  hints?: number | false | undefined;
  /** A custom lookup function. Default `false` (`dns.lookup`). */
  lookup?: LookupFunction | false | undefined;
}

/** `config.tls`: any node `tls` option, plus node-ipc's file-path keys. */
export interface TlsConfig extends TlsOptions, Omit<ConnectionOptions, keyof TlsOptions> {
  /** Path of the PEM private key file (node-ipc's name). */
  private?: string;
  /** Path of the PEM certificate file (node-ipc's name). */
  public?: string;
  /** Path, or paths, of trusted CA certificates: becomes `ca`. */
  trustedConnections?: string | string[];
  /** Path of a Diffie-Hellman parameters file (a Buffer or PEM text is used as is). */
  dhparam?: string | Buffer;
}

/** The configuration of one IPC instance. Clients and servers read it when they act. */
export interface IpcConfig {
  /** Namespace in the default Unix socket path. Default `'app.'`. */
  appspace: string;
  /** Directory of the default Unix socket path. Default `'/tmp/'`. */
  socketRoot: string;
  /** This process's id (the default server path ends with it). Default `os.hostname()`. */
  id: string;
  /** Host for TCP, TLS and UDP. Default `'127.0.0.1'`. */
  networkHost: string;
  /** Port for TCP, TLS and UDP; `0` lets the OS pick one (see `server.port`). Default `8000`. */
  networkPort: number;
  /** Kept for compatibility: node-ipc's IP family detection (it never fired). Default `''`. */
  IPType: string;
  /** Unix socket file readable by every user (Windows: pipe readable by all). Default `false`. */
  readableAll: boolean;
  /** Unix socket file writable by every user (Windows: pipe writable by all). Default `false`. */
  writableAll: boolean;
  /** Encoding of strings sent in raw mode (`utf8`, `hex`, `base64`, ...). Default `'utf8'`. */
  encoding: BufferEncoding;
  /** Raw mode: no JSON, no framing; bytes in, bytes out on the `data` event. Default `false`. */
  rawBuffer: boolean;
  /** Frame delimiter of JSON mode, any length. Default `'\f'`. */
  delimiter: string;
  /** Clients send one message, then wait for any reply before the next. Default `false`. */
  sync: boolean;
  /** No logging at all (and no formatting work). Default `false`. */
  silent: boolean;
  /** `util.inspect` colors in `ipc.log`. Default `true`. */
  logInColor: boolean;
  /** `util.inspect` depth in `ipc.log`. Default `5`. */
  logDepth: number;
  /** Receives each formatted log line. Default `console.log`. */
  logger: (line: string) => void;
  /** Most connections a server accepts; more are refused. Default `100`. */
  maxConnections: number;
  /** Milliseconds a client waits before reconnecting. Default `500`. */
  retry: number;
  /**
   * Reconnect attempts after each drop; `Infinity` or `false` retry forever, `0` never
   * (`true` counts as 1, as in node-ipc). Default `Infinity`.
   */
  maxRetries: number | boolean;
  /** `true` stops reconnecting now; a number caps the attempts like `maxRetries`. Default `false`. */
  stopRetrying: boolean | number;
  /** Remove a stale Unix socket file before listening (set `false` for cluster workers). Default `true`. */
  unlink: boolean;
  /** TLS options (node's `tls` options plus `private`, `public`, `trustedConnections`, `dhparam`); `false` for plain TCP. Default `false`. */
  tls: TlsConfig | false;
  /** Options a client connects through. */
  interface: InterfaceConfig;
  /** README spelling of {@link IpcConfig.interface}: the same object. */
  interfaces: InterfaceConfig;
  /** Largest incoming frame in bytes; a larger one closes that connection with ERR_IPC_FRAME_TOO_LARGE. Default 100 MiB. */
  maxMessageSize: number;
  /** Most bytes queued for one peer before that connection is closed with ERR_IPC_BACKPRESSURE. Default `Infinity` (node-ipc had no limit). */
  maxPendingBytes: number;
  /** Milliseconds an incomplete frame may wait for its end before the connection is closed with ERR_IPC_MESSAGE_TIMEOUT; `0` is off. Default `0`. */
  messageTimeout: number;
  /**
   * Milliseconds a graceful close (`ipc.disconnect(id)`, `server.stop()`) waits for what was
   * emitted before it to be written and for the peer to close its side; then the socket is
   * destroyed, with `ERR_IPC_CLOSE_TIMEOUT` when bytes were still unsent. Default `5000`.
   */
  closeTimeout: number;
  /**
   * How messages are written: `'json'`, node-ipc's `{type, data}` JSON text between
   * delimiters (every node-ipc peer reads it), or `'advanced'`, V8's structured clone in
   * length-prefixed frames (Buffer, typed arrays, Map, Set, Date, BigInt, circular data; only
   * node-ipc-ts peers set to `'advanced'` read it). Chosen once per client or server; both ends
   * must agree (a mismatch is ERR_IPC_SERIALIZATION_MISMATCH). Default `'json'`.
   */
  serialization: 'json' | 'advanced';

  // node-ipc 14's own keys. None is set by default; setting any of them gives the clients and
  // servers made afterwards node-ipc 14's semantics where they differ from 9/10 (README
  // "Migrating from node-ipc 14").

  /**
   * node-ipc 14: the parser profile, `'raw'`, `'fast'`, `'guarded'` or `'assured'`, a parser
   * object (`encode(type, data)`, `read(remainder, chunk, receive)`) or a class constructed
   * with the live config. Chosen once per client or server. Unset: node-ipc 9/10's codec.
   */
  parser?: 'raw' | 'fast' | 'guarded' | 'assured' | Parser | ParserClass | undefined;
  /** node-ipc 14: the only event names `assured` sends and accepts; a non-empty Array or Set. */
  allowedEvents?: readonly string[] | ReadonlySet<string> | false | undefined;
  /** node-ipc 14: create and verify an owner-only socket root before a local server listens. Default `true` once a node-ipc 14 key is set. */
  secureSocketRoot?: boolean | undefined;
  /** node-ipc 14: copy a received `data.id` to the server's socket. Default `false` once a node-ipc 14 key is set (9/10 always copied it). */
  identifyPeer?: boolean | undefined;
  /** node-ipc 14: automatic logs include payloads. Default `false` once a node-ipc 14 key is set. */
  logPayloads?: boolean | undefined;
  /** node-ipc 14 `guarded`/`assured`: longest event name accepted or sent. Default `256`. */
  maxEventNameLength?: number | undefined;
  /** node-ipc 14 `guarded`: lifecycle names (`connect`, `error`, `data`, ...) may cross the wire. Default `false`. */
  allowReservedEvents?: boolean | undefined;
}

/** The keys only node-ipc 14 has (unset in a default config). */
type NodeIpc14Key = 'parser' | 'allowedEvents' | 'secureSocketRoot' | 'identifyPeer' | 'logPayloads' | 'maxEventNameLength' | 'allowReservedEvents';

/** 100 MiB, as ws's maxPayload. */
export const DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024;

/**
 * The prototype of every config. It holds the README's `interfaces` alias, an accessor. An own
 * accessor on each config (defineProperty) turned configs into slow dictionary-mode objects,
 * whose every read on the hot path is a hash lookup: V8 shares hidden-class transitions between
 * object literals of the same shape, and the accessor conflicted with a second copy of this
 * module (two versions in one dependency tree) or with fresh getter functions per config.
 */
const CONFIG_PROTOTYPE = Object.create(Object.prototype, {
  interfaces: {
    get(this: IpcConfig) { return this.interface; },
    set(this: IpcConfig, value: InterfaceConfig) { this.interface = value; },
    enumerable: false,
    configurable: true,
  },
}) as object;

/** A fresh config with node-ipc's defaults. */
export function defaultConfig(): IpcConfig {
  const config = {
    // A literal with a prototype: V8 builds it from a boilerplate, with a fast hidden class.
    __proto__: CONFIG_PROTOTYPE,
    appspace: 'app.',
    socketRoot: '/tmp/',
    id: hostname(),
    networkHost: '127.0.0.1',
    networkPort: 8000,
    IPType: '',
    readableAll: false,
    writableAll: false,
    encoding: 'utf8' as BufferEncoding,
    rawBuffer: false,
    delimiter: '\f',
    sync: false,
    silent: false,
    logInColor: true,
    logDepth: 5,
    // eslint-disable-next-line no-console -- node-ipc's documented default logger
    logger: console.log.bind(console),
    maxConnections: 100,
    retry: 500,
    maxRetries: Infinity,
    stopRetrying: false,
    unlink: true,
    tls: false as const,
    interface: { localAddress: false, localPort: false, family: false, hints: false, lookup: false },
    maxMessageSize: DEFAULT_MAX_MESSAGE_SIZE,
    maxPendingBytes: Infinity,
    messageTimeout: 0,
    closeTimeout: 5000,
    serialization: 'json' as 'json' | 'advanced',
  } satisfies Omit<IpcConfig, 'interfaces' | NodeIpc14Key> & { __proto__: object };
  // The README spells it `interfaces`, the code `interface`: one object under both names,
  // inherited, so the config's own keys stay node-ipc's.
  return config as unknown as IpcConfig;
}

/**
 * Reconnect attempts allowed after a drop: `maxRetries` (false = forever) capped by a
 * numeric `stopRetrying`, and 0 when `stopRetrying` is `true`.
 */
export function retryBudget(config: IpcConfig): number {
  if (config.stopRetrying === true) return 0;
  const max = config.maxRetries === false || config.maxRetries === undefined ? Infinity : Number(config.maxRetries);
  const cap = typeof config.stopRetrying === 'number' ? config.stopRetrying : Infinity;
  return Math.max(0, Math.min(Number.isNaN(max) ? Infinity : max, cap));
}

/**
 * Where a Unix socket path lives on this platform. On Windows node-ipc maps it to a named
 * pipe: strip the leading `/`, turn `/` into `-`, prefix `\\.\pipe\` (BEHAVIOUR.md "Server").
 */
export function toSocketPath(path: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32' || path.startsWith('\\\\.\\pipe\\')) return path;
  return `\\\\.\\pipe\\${path.replace(/^\//, '').replace(/\//g, '-')}`;
}
