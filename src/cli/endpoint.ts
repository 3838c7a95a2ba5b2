/**
 * The command line's only door into the library: an IPC instance configured from the flags,
 * clients and servers made for a target, all through the package's public API (the same
 * calls a user's program makes), so the command line sees exactly what programs see.
 */
import { Socket } from 'node:net';
// The package entry itself (its `export =` singleton and classes), as a user's program loads it.
import * as ipcModule from '../index';
import { failure } from './diagnose';
import { CliError, ExitCode, codeOf, usageError } from './exit-codes';
import type { Options, TlsFiles } from './options';
import { describe, type Target } from './target';

/** An IPC instance of the library. */
export type Ipc = ipcModule.IPCModule;
/** A client (`ipc.of[id]`). */
export type IpcClient = ipcModule.IpcClient;
/** A server (`ipc.server`). */
export type IpcServer = ipcModule.IpcServer;
/** Where a server message came from: a stream socket or a UDP peer. */
export type Source = ipcModule.Source;

/** A fresh, silent instance configured from the flags that shape the wire (mode, delimiter, profile, paths, TLS). */
export function makeIpc(options: Options, target: Target, side: 'client' | 'server'): Ipc {
  const ipc = new ipcModule.IPCModule();
  const config = ipc.config;
  config.silent = true;
  if (options.socketRoot !== undefined) config.socketRoot = /[/\\]$/.test(options.socketRoot) ? options.socketRoot : `${options.socketRoot}/`;
  if (options.appspace !== undefined) config.appspace = options.appspace;
  config.rawBuffer = options.raw;
  config.encoding = options.encoding;
  config.delimiter = options.delimiter;
  if (options.parser !== undefined) config.parser = options.parser;
  if (options.allowedEvents !== undefined) config.allowedEvents = options.allowedEvents;
  if (options.retry !== undefined) config.retry = options.retry;
  if (options.maxRetries !== undefined) config.maxRetries = options.maxRetries;
  const tls = tlsConfig(options.tls, target, side);
  if (tls !== undefined) config.tls = tls;
  return ipc;
}

/**
 * `config.tls` for a `tls://` target. A server needs `--cert` and `--key`; with `--ca` it asks
 * clients for a certificate that CA signed (mutual TLS). A client trusts `--ca` (else the
 * system's CAs), presents `--cert`/`--key` if given, and skips verification with `--insecure`.
 * @throws CliError (exit 2) for TLS flags on a plain target, or a server without its key pair.
 */
export function tlsConfig(files: TlsFiles, target: Target, side: 'client' | 'server'): ipcModule.Tls | undefined {
  const given = (['cert', 'key', 'ca'] as const).filter((name) => files[name] !== undefined).map((name) => `--${name}`);
  if (files.insecure && side === 'client') given.push('--insecure');
  if (target.kind !== 'tls') {
    if (given.length > 0) throw usageError(`${given.join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} to tls:// targets (${JSON.stringify(target.text)} is not one)`);
    return undefined;
  }
  if ((files.cert === undefined) !== (files.key === undefined)) throw usageError('--cert and --key go together');
  const tls: ipcModule.Tls = {};
  if (files.key !== undefined) tls.private = files.key;
  if (files.cert !== undefined) tls.public = files.cert;
  if (files.ca !== undefined) tls.trustedConnections = files.ca;
  if (side === 'server') {
    if (files.key === undefined) throw usageError(`listening on ${target.text} needs --cert and --key (the server's certificate and private key)`);
    tls.requestCert = files.ca !== undefined;
    tls.rejectUnauthorized = files.ca !== undefined;
  } else {
    tls.rejectUnauthorized = !files.insecure;
  }
  return tls;
}

/** The `ipc.of` key of the command line's client. */
export function clientId(target: Target): string {
  return target.kind === 'id' ? target.id : 'server';
}

/**
 * Registers a client for `target` and starts connecting (and reconnecting, as `config` says).
 * @throws CliError when a node-ipc 14 profile refuses the client before any socket exists
 *   (assured without a key, certificate and CA: exit 2).
 */
export function connectClient(ipc: Ipc, target: Exclude<Target, { kind: 'udp4' | 'udp6' }>): IpcClient {
  const id = clientId(target);
  try {
    switch (target.kind) {
      case 'path':
        ipc.connectTo(id, target.path);
        break;
      case 'id':
        ipc.connectTo(id);
        break;
      default:
        ipc.connectToNet(id, target.host, target.port);
    }
  } catch (err) {
    throw failure(`cannot connect to ${describe(target)}`, err);
  }
  return ipc.of[id] as IpcClient;
}

/**
 * Waits for `client` to connect (at most `timeout` ms, 0: for ever); on failure closes it and
 * throws why. A `tls://` connection whose TCP part is up but whose handshake never finishes
 * is a server that does not speak TLS (a plain node-ipc server reads the hello as an unfinished
 * frame and waits): a TLS failure, exit 4, not a plain timeout.
 * @throws CliError
 */
export async function waitReady(client: IpcClient, target: Target, timeout: number, where: string): Promise<void> {
  try {
    await client.ready(timeout > 0 ? { timeout } : undefined);
  } catch (err) {
    const socket = client.socket;
    const stalled = target.kind === 'tls' && codeOf(err) === 'ERR_IPC_TIMEOUT' && socket !== false && !socket.connecting;
    await client.close().catch(() => undefined);
    if (stalled) {
      throw new CliError(ExitCode.tls, `cannot connect to ${where}: the TLS handshake did not finish within ${timeout} ms: does the server speak TLS? (a plain server is host:port, without tls://)`, 'ERR_IPC_TIMEOUT');
    }
    if (codeOf(err) === 'ERR_IPC_TIMEOUT') throw new CliError(ExitCode.timeout, `cannot connect to ${where}: no connection within ${timeout} ms`, 'ERR_IPC_TIMEOUT');
    throw failure(`cannot connect to ${where}`, err);
  }
}

/**
 * Makes `ipc.server` for `target`, starts it and resolves once it listens.
 * @throws CliError: exit 3 when it cannot listen (address in use, permissions), 4 for TLS, 2 for a profile's refusal.
 */
export async function startServer(ipc: Ipc, target: Target): Promise<IpcServer> {
  try {
    switch (target.kind) {
      case 'path':
        ipc.serve(target.path);
        break;
      case 'id':
        ipc.config.id = target.id;
        ipc.serve();
        break;
      case 'udp4':
      case 'udp6':
        ipc.serveNet(target.host, target.port, target.kind);
        break;
      default:
        ipc.serveNet(target.host, target.port);
    }
  } catch (err) {
    throw failure(`cannot listen on ${describe(target)}`, err);
  }
  const server = ipc.server;
  try {
    // A node-ipc 14 profile throws its configuration faults from start() (assured without TLS, ...).
    server.start();
    await server.ready();
  } catch (err) {
    throw failure(`cannot listen on ${describe(target, server.path)}`, err);
  }
  return server;
}

/** Where a started server listens, as people write it back as a target. */
export function whereListening(server: IpcServer, target: Target): string {
  if (target.kind === 'path' || target.kind === 'id') return server.path;
  return describe({ ...target, port: server.port === false ? target.port : server.port });
}

/**
 * The socket path the library would use for a local target (for the proxy, which listens and
 * dials with plain `net`): an id resolves as `ipc.serve()` resolves it, through a server that is
 * made but never started. Windows maps it to a named pipe the way the library does (README "Transports").
 */
export function localPath(options: Options, target: Extract<Target, { kind: 'path' | 'id' }>): string {
  let path: string;
  if (target.kind === 'path') {
    path = target.path;
  } else {
    // TLS flags belong to the other end of a proxy; a local path has none.
    const scratch = makeIpc({ ...options, tls: { cert: undefined, key: undefined, ca: undefined, insecure: false } }, target, 'server');
    scratch.config.id = target.id;
    scratch.serve();
    path = scratch.server.path;
  }
  if (process.platform !== 'win32' || path.startsWith('\\\\.\\pipe\\')) return path;
  return `\\\\.\\pipe\\${path.replace(/^\//, '').replace(/\//g, '-')}`;
}

/**
 * Whether a client's `'*'` event is a message from the wire, not one of the client's own
 * events (README "Events": `connect`, `disconnect`, `destroy`, `drain` carry no argument,
 * `error` an Error, raw `data` a Buffer; a wire message always carries exactly its data, which
 * JSON never makes an Error or a Buffer). A peer may send any type, `connect` included.
 */
export function isClientWireMessage(type: string, args: readonly unknown[]): boolean {
  if (args.length !== 1) return false;
  const data = args[0];
  if (type === 'error' && data instanceof Error) return false;
  return !(type === 'data' && Buffer.isBuffer(data));
}

/**
 * The same for a server's `'*'` event: a wire message carries `(data, source)`; the server's own
 * events carry one argument (`connect`, `drain`, `start`, `close`) or a first argument JSON
 * cannot make (`error`: an Error, `socket.disconnected`: a socket, raw `data`: a Buffer).
 */
export function isServerWireMessage(args: readonly unknown[]): boolean {
  if (args.length !== 2) return false;
  const data = args[0];
  return !(data instanceof Error || Buffer.isBuffer(data) || data instanceof Socket);
}
