/**
 * node-ipc 14's trust profiles, resolved once per client or server (never per message).
 *
 * The rule (README "Migrating from node-ipc 14"): a config that sets none of node-ipc 14's
 * own keys gets `null` here and behaves as node-ipc 9/10, on the unchanged hot path. Once a
 * config sets one ({@link NODE_IPC_14_KEYS}), node-ipc 14's semantics apply to the clients and
 * servers made from it wherever the two lines differ: payloads are sent as they are, `data.id`
 * is no longer copied to sockets unless `identifyPeer`, automatic logs leave payloads out
 * unless `logPayloads`, protocol faults close the connection, and the per-user socket root.
 */
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { EventPolicy } from './codec/event-policy';
import { instantiateParser, type Parser, type ParserConfig } from './codec/parsers/parser';
import { DEFAULT_MAX_MESSAGE_SIZE, type IpcConfig } from './config';
import { IpcError, invalidArgument } from './errors';
import { resolveTlsOptions, resolveTlsServerOptions, type ResolvedTlsOptions, type TlsConfig } from './transport/tls';
import type { TlsOptions } from 'node:tls';

/** The config keys only node-ipc 14 has: setting any of them opts a config into its semantics. */
export const NODE_IPC_14_KEYS = [
  'parser', 'allowedEvents', 'secureSocketRoot', 'identifyPeer', 'logPayloads', 'maxEventNameLength', 'allowReservedEvents',
] as const;

/** The built-in profile names `config.parser` takes. */
export type ProfileName = 'raw' | 'fast' | 'guarded' | 'assured';

/** node-ipc 14's guarded defaults, used where the config still holds node-ipc-ts's own (unbounded) default. */
export const GUARDED_DEFAULTS = {
  maxMessageSize: 1024 * 1024,
  maxPendingBytes: 8 * 1024 * 1024,
  messageTimeout: 30000,
  maxEventNameLength: 256,
} as const;

/** node-ipc 9/10's socket root, node-ipc-ts's default for configs without node-ipc 14 keys. */
const LEGACY_SOCKET_ROOT = '/tmp/';

/** True when `config` sets one of node-ipc 14's own keys. */
export function usesNodeIpc14(config: IpcConfig): boolean {
  for (const key of NODE_IPC_14_KEYS) if (config[key] !== undefined) return true;
  return false;
}

/** A client's or server's profile: codec, limits and policy, fixed when it is made. */
export class Profile {
  /** `'raw'`, `'fast'`, `'guarded'`, `'assured'`, or `'custom'` for a parser object or class. */
  readonly name: ProfileName | 'custom';
  /** JSON profiles: the frame delimiter. */
  readonly delimiter: string;
  /** JSON profiles: the delimiter's bytes. */
  readonly delimiterBuffer: Buffer;
  readonly maxMessageSize: number;
  readonly maxPendingBytes: number;
  readonly messageTimeout: number;
  /** guarded / assured: the event-name policy, else null. */
  readonly policy: EventPolicy | null;
  /** custom: the parser object. */
  readonly parser: Parser | null;
  /** Copy `data.id` of received messages to the socket (node-ipc 14 `identifyPeer`). */
  readonly identifyPeer: boolean;
  /** Automatic logs include payloads (node-ipc 14 `logPayloads`). */
  readonly logPayloads: boolean;
  /** Verify (and create) an owner-only socket root before a local server listens. */
  readonly secureSocketRoot: boolean;
  /** Raw and custom: the encoding of incoming text and of string raw writes. */
  readonly encoding: BufferEncoding;

  constructor(config: IpcConfig) {
    // node-ipc 14: rawBuffer wins; an unset or falsy parser means fast.
    const selected = config.rawBuffer ? 'raw' : config.parser || 'fast';
    this.identifyPeer = config.identifyPeer === true;
    this.logPayloads = config.logPayloads === true;
    this.secureSocketRoot = config.secureSocketRoot !== false;
    this.encoding = config.encoding;
    this.delimiter = config.delimiter;
    if (typeof selected === 'string' && !isProfileName(selected)) {
      throw invalidArgument('config.parser', '"raw", "fast", "guarded", "assured", a parser object or a parser class', selected);
    }
    this.name = typeof selected === 'string' ? selected : 'custom';
    this.parser = typeof selected === 'string' ? null : instantiateParser(selected, config as unknown as ParserConfig);
    if (this.name !== 'raw' && this.name !== 'custom' && (typeof this.delimiter !== 'string' || this.delimiter.length === 0)) {
      throw new TypeError('ipc.config.delimiter must be a non-empty string');
    }
    this.delimiterBuffer = Buffer.from(typeof this.delimiter === 'string' ? this.delimiter : '', 'utf8');
    const guarded = this.name === 'guarded' || this.name === 'assured';
    if (guarded) {
      this.maxMessageSize = limit('maxMessageSize', config.maxMessageSize === DEFAULT_MAX_MESSAGE_SIZE ? GUARDED_DEFAULTS.maxMessageSize : config.maxMessageSize);
      this.maxPendingBytes = limit('maxPendingBytes', config.maxPendingBytes === Infinity ? GUARDED_DEFAULTS.maxPendingBytes : config.maxPendingBytes);
      this.messageTimeout = config.messageTimeout === 0 ? GUARDED_DEFAULTS.messageTimeout : limit('messageTimeout', config.messageTimeout);
      const maxEventNameLength = limit('maxEventNameLength', config.maxEventNameLength ?? GUARDED_DEFAULTS.maxEventNameLength);
      this.policy = new EventPolicy({
        maxEventNameLength,
        allowReservedEvents: this.name === 'guarded' && config.allowReservedEvents === true,
        allowedEvents: this.name === 'assured' ? allowList(config.allowedEvents) : null,
      });
    } else {
      const parserLimit = this.parser?.maxPendingBytes;
      this.maxMessageSize = config.maxMessageSize;
      this.maxPendingBytes = typeof parserLimit === 'number' && parserLimit > 0 ? parserLimit : config.maxPendingBytes;
      this.messageTimeout = config.messageTimeout;
      this.policy = null;
    }
  }

  /** Raw mode: no framing (the built-in raw profile, or a custom parser that says `raw`). */
  get raw(): boolean {
    return this.name === 'raw' || this.parser?.raw === true;
  }

  /**
   * Refuses a client the profile cannot secure, before it opens a socket (node-ipc 14 throws
   * from `connectToNet` too): assured over plain TCP, or over TLS without verified mutual TLS.
   */
  checkClient(port: number | undefined, tls: TlsConfig | false): ResolvedTlsOptions | undefined {
    if (this.name !== 'assured' || port === undefined) return undefined;
    if (!tls) throw new IpcError('ERR_IPC_ASSURED_TRANSPORT', 'The assured parser requires TLS for network connections');
    const options = resolveTlsOptions(tls);
    if (options.rejectUnauthorized === false || !options.ca || !options.key || !options.cert) {
      throw new IpcError('ERR_IPC_ASSURED_TLS', 'Assured network clients require a key, certificate, trusted CA, and rejectUnauthorized=true');
    }
    return options;
  }

  /**
   * The checks a server makes when it starts, thrown (node-ipc 14 throws from `start()`):
   * TLS identity, assured transport and TLS, the secure socket root, and a non-socket file at
   * the socket path. Returns the TLS server options, node-ipc 14's defaults applied.
   */
  checkServer(server: { path: string; port: number | false; udp4: boolean; udp6: boolean; config: IpcConfig }): TlsOptions | undefined {
    const { config } = server;
    const assured = this.name === 'assured';
    const local = server.port === false;
    if (assured) {
      if (local && process.platform === 'win32') {
        throw new IpcError('ERR_IPC_ASSURED_TRANSPORT', 'Assured local transport requires Unix socket ownership checks; use mutual TLS or an application-owned Windows ACL');
      }
      if (local && !this.secureSocketRoot) throw new IpcError('ERR_IPC_ASSURED_TRANSPORT', 'The assured parser requires secureSocketRoot for local sockets');
      if (local && !isDirectChild(socketRootOf(config), server.path)) {
        throw new IpcError('ERR_IPC_ASSURED_TRANSPORT', 'The assured parser requires a local endpoint directly inside socketRoot');
      }
      if (!local && (server.udp4 || server.udp6 || !config.tls)) {
        throw new IpcError('ERR_IPC_ASSURED_TRANSPORT', 'The assured parser requires TLS for network servers');
      }
    }
    if (local) {
      if (process.platform !== 'win32') {
        prepareSocketRoot(socketRootOf(config), server.path, this.secureSocketRoot);
        if (config.unlink) refuseNonSocket(server.path);
      }
      return undefined;
    }
    if (!config.tls || server.udp4 || server.udp6) return undefined;
    const options: TlsOptions = resolveTlsServerOptions(config.tls);
    if (options.ca && options.requestCert === undefined) options.requestCert = true;
    if (options.requestCert && options.rejectUnauthorized === undefined) options.rejectUnauthorized = true;
    if (assured && (options.requestCert !== true || options.rejectUnauthorized !== true || !options.ca)) {
      throw new IpcError('ERR_IPC_ASSURED_TLS', 'Assured network servers require a trusted client CA, requestCert=true, and rejectUnauthorized=true');
    }
    return options;
  }
}

/** The profile of a client or server made from `config` now, or null for node-ipc 9/10 behaviour. */
export function resolveProfile(config: IpcConfig): Profile | null {
  return usesNodeIpc14(config) ? new Profile(config) : null;
}

/**
 * The socket root default paths are built from: `config.socketRoot`, except that a config
 * with node-ipc 14 keys that still holds node-ipc 9/10's shared `/tmp/` gets node-ipc 14's
 * per-user root (`$XDG_RUNTIME_DIR/node-ipc/`, else `<tmpdir>/node-ipc-<uid>/`).
 */
export function socketRootOf(config: IpcConfig): string {
  if (config.socketRoot !== LEGACY_SOCKET_ROOT || !usesNodeIpc14(config)) return config.socketRoot;
  return perUserSocketRoot();
}

/** node-ipc 14's default socket root for this user. */
export function perUserSocketRoot(): string {
  if (process.platform === 'win32') return `/node-ipc-${safeSegment(userName())}/`;
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime) return join(runtime, 'node-ipc') + sep;
  const uid = typeof process.getuid === 'function' ? String(process.getuid()) : safeSegment(userName());
  return join(tmpdir(), `node-ipc-${uid}`) + sep;
}

/**
 * Creates the socket root owner-only when `path` lies inside it and, when `secure`, refuses a
 * symlinked root, a non-directory or another user's, and takes group and other permissions
 * away from an existing one (node-ipc 14 `secureSocketRoot`).
 */
export function prepareSocketRoot(root: string, path: string, secure: boolean): void {
  const absoluteRoot = resolve(root);
  if (isOutside(relative(absoluteRoot, resolve(path)))) return;
  let stat;
  try {
    // lstat of the resolved path (no trailing slash): a symlinked root is seen, not followed.
    mkdirSync(absoluteRoot, { recursive: true, mode: 0o700 });
    stat = lstatSync(absoluteRoot);
  } catch (cause) {
    throw new IpcError('ERR_IPC_SOCKET_ROOT', 'socketRoot cannot be created as a directory', { cause });
  }
  if (!secure) return;
  if (stat.isSymbolicLink() || !stat.isDirectory()) throw new IpcError('ERR_IPC_SOCKET_ROOT', 'socketRoot must be a real directory, not a symlink');
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    throw new IpcError('ERR_IPC_SOCKET_ROOT', 'socketRoot must be owned by the current user');
  }
  // A sticky world-writable directory (/tmp itself) is shared by design: tightening it would
  // break every other user of it (node-ipc 14 would chmod it when run as its owner, root).
  if ((stat.mode & 0o1000) !== 0) throw new IpcError('ERR_IPC_SOCKET_ROOT', 'socketRoot must not be a shared sticky directory such as /tmp');
  if ((stat.mode & 0o077) !== 0) chmodSync(absoluteRoot, 0o700);
}

/** True when `path` is a direct child of `root`. */
export function isDirectChild(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel.length > 0 && !isOutside(rel) && dirname(rel) === '.';
}

function refuseNonSocket(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // nothing there
  }
  if (!stat.isSocket()) throw new IpcError('ERR_IPC_UNLINK_NOT_SOCKET', 'Refusing to unlink a non-socket path at the server path');
}

function isOutside(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function isProfileName(name: string): name is ProfileName {
  return name === 'raw' || name === 'fast' || name === 'guarded' || name === 'assured';
}

function limit(name: string, value: unknown): number {
  if (value === Infinity || (Number.isInteger(value) && (value as number) >= 1)) return value as number;
  throw new TypeError(`ipc.config.${name} must be a positive integer or Infinity`);
}

function allowList(value: unknown): ReadonlySet<string> {
  const size = value instanceof Set ? value.size : Array.isArray(value) ? value.length : 0;
  if (size === 0) throw new TypeError('ipc.config.allowedEvents must be a non-empty Array or Set for the assured parser');
  return new Set(value as Iterable<string>);
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

function safeSegment(value: string): string {
  return value.replace(/[^a-zA-Z0-9_.-]/g, '_');
}
