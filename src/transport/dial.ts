/**
 * How a client reaches its server: a Unix socket (named pipe on Windows), TCP, or TLS when
 * `config.tls` is set. The socket's ready event differs: TLS is ready after its handshake.
 */
import type { Socket } from 'node:net';
import { toSocketPath, type IpcConfig } from '../config';
import { dialPath, dialTcp } from './net';
import { dialTls, type ResolvedTlsOptions } from './tls';

/** Where a client connects: a socket path, or a host and port. */
export type ClientTarget =
  | {
    /** Unix socket path (Windows: mapped to a named pipe). */
    path: string;
    /** Absent for a socket path. */
    port?: undefined;
  }
  | {
    /** TCP/TLS host name or address. */
    host: string;
    /** TCP/TLS port. */
    port: number;
  };

/** A socket on its way, and the event that says it is ready. */
export interface Dialled {
  socket: Socket;
  readyEvent: 'connect' | 'secureConnect';
}

/**
 * Dials `path` (a socket path, or the host when `port` is set). `tlsOptions` is asked for
 * only when TLS is used. Throws what reading the TLS files throws (a config fault).
 */
export function dial(path: string, port: number | undefined, config: Pick<IpcConfig, 'tls' | 'interface'>, tlsOptions: () => ResolvedTlsOptions): Dialled {
  if (port === undefined) return { socket: dialPath(toSocketPath(path)), readyEvent: 'connect' };
  if (config.tls) return { socket: dialTls(path, port, config.interface, tlsOptions()), readyEvent: 'secureConnect' };
  return { socket: dialTcp(path, port, config.interface), readyEvent: 'connect' };
}
