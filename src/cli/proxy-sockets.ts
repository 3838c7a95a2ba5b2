/**
 * The proxy's two ends, in plain `net` and `tls`: it must pass bytes, not messages, so it
 * never goes through the library's codec. Local targets resolve to the socket path the
 * library would use (see endpoint.ts `localPath`); a stale socket file is removed before
 * listening, as the library's `unlink` does, but never a live server's socket or a non-socket.
 */
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { connect as netConnect, createServer as netServer, isIP, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as tlsServer } from 'node:tls';
import { failure } from './diagnose';
import { localPath } from './endpoint';
import { usageError } from './exit-codes';
import type { Options, TlsFiles } from './options';
import { describe, type Target } from './target';

/** A target with a connection. */
export type StreamTarget = Exclude<Target, { kind: 'udp4' | 'udp6' }>;

/** A listening proxy end: the server, and where it listens. */
export interface Listening {
  readonly server: Server;
  readonly where: string;
  /** The event a ready connection arrives on (`secureConnection` for TLS: after the handshake). */
  readonly connectionEvent: 'connection' | 'secureConnection';
}

/** @throws CliError (exit 2) for TLS flags on a plain target, or a TLS listener without its key pair. */
export function checkTlsFlags(files: TlsFiles, target: StreamTarget, side: 'listen' | 'to'): void {
  const prefix = side === 'to' ? '--to-' : '--';
  const given = (['cert', 'key', 'ca'] as const).filter((name) => files[name] !== undefined).map((name) => `${prefix}${name}`);
  if (side === 'to' && files.insecure) given.push('--insecure');
  if (target.kind !== 'tls' && given.length > 0) throw usageError(`${given.join(', ')} only ${given.length === 1 ? 'applies' : 'apply'} to a tls:// ${side === 'to' ? '--to' : '--listen'} target`);
  if ((files.cert === undefined) !== (files.key === undefined)) throw usageError(`${prefix}cert and ${prefix}key go together`);
  if (target.kind === 'tls' && side === 'listen' && files.cert === undefined) throw usageError('a tls:// --listen target needs --cert and --key');
}

/** Listens on `target`; resolves once listening. @throws CliError (exit 3) when it cannot. */
export async function listenOn(target: StreamTarget, options: Options): Promise<Listening> {
  const files = options.tls;
  const server = target.kind === 'tls'
    ? tlsServer({
      key: readFileSync(files.key as string), cert: readFileSync(files.cert as string),
      ...(files.ca === undefined ? {} : { ca: readFileSync(files.ca), requestCert: true, rejectUnauthorized: true }),
      allowHalfOpen: true,
    })
    // Nothing is read from a client before its server is reached: if that fails, the unread
    // bytes make its close a reset, so the client does not take it for delivery.
    : netServer({ allowHalfOpen: true, pauseOnConnect: true });
  const connectionEvent = target.kind === 'tls' ? 'secureConnection' : 'connection';
  if (target.kind === 'path' || target.kind === 'id') {
    const path = localPath(options, target);
    await listenPath(server, path).catch((err: unknown) => { throw failure(`cannot listen on ${path}`, err); });
    return { server, where: path, connectionEvent };
  }
  await listen(server, { host: target.host, port: target.port }).catch((err: unknown) => { throw failure(`cannot listen on ${describe(target)}`, err); });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : target.port;
  return { server, where: describe({ ...target, port }), connectionEvent };
}

function listen(server: Server, where: { path: string } | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(where, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function listenPath(server: Server, path: string): Promise<void> {
  try {
    await listen(server, { path });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'win32' || !isStaleSocket(path) || !(await nobodyAnswers(path))) throw err;
    unlinkSync(path);
    await listen(server, { path });
  }
}

function isStaleSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

function nobodyAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = netConnect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** Opens upstream connections; `readyEvent` says when one is usable (after the TLS handshake for `tls://`). */
export interface Dialler {
  dial(): Socket;
  readonly readyEvent: 'connect' | 'secureConnect';
}

/**
 * A dialler for `target`: each call opens one upstream connection (half-open allowed, so a
 * graceful close passes through as it happens). Paths and TLS files are resolved once.
 */
export function dialler(target: StreamTarget, options: Options): Dialler {
  switch (target.kind) {
    case 'path':
    case 'id': {
      const path = localPath(options, target);
      return { dial: () => netConnect({ path, allowHalfOpen: true }), readyEvent: 'connect' };
    }
    case 'tcp':
      return { dial: () => netConnect({ host: target.host, port: target.port, allowHalfOpen: true }), readyEvent: 'connect' };
    default: {
      const files = options.toTls;
      const tls = {
        host: target.host,
        port: target.port,
        ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        ...(files.ca === undefined ? {} : { ca: readFileSync(files.ca) }),
        ...(files.cert === undefined ? {} : { cert: readFileSync(files.cert), key: readFileSync(files.key as string) }),
        rejectUnauthorized: !files.insecure,
        allowHalfOpen: true,
      };
      return { dial: () => tlsConnect(tls), readyEvent: 'secureConnect' };
    }
  }
}
