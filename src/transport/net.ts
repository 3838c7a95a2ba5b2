/**
 * Plain stream transports: Unix domain sockets (named pipes on Windows) and TCP.
 * Dialling, creating servers, and making a Unix socket path safe to listen on.
 */
import { lstat, unlink } from 'node:fs/promises';
import { connect, createServer, type NetConnectOpts, type Server, type Socket } from 'node:net';
import type { InterfaceConfig } from '../config';

/** Connects to a Unix socket or Windows named pipe (path already mapped). */
export function dialPath(path: string): Socket {
  return connect({ path });
}

/** The `net.connect` options for a TCP or TLS client: host, port and `config.interface`. */
export function tcpConnectOptions(host: string, port: number, iface: Partial<InterfaceConfig> | undefined): NetConnectOpts {
  const options: NetConnectOpts = { host, port };
  if (iface === undefined || iface === null) return options;
  // node-ipc copies only the keys that are set; `false` means "not set".
  if (iface.localAddress) options.localAddress = iface.localAddress;
  if (iface.localPort) options.localPort = iface.localPort;
  if (iface.family) options.family = iface.family;
  if (iface.hints) options.hints = iface.hints;
  if (iface.lookup) options.lookup = iface.lookup;
  return options;
}

/** Connects over TCP. */
export function dialTcp(host: string, port: number, iface: Partial<InterfaceConfig> | undefined): Socket {
  return connect(tcpConnectOptions(host, port, iface));
}

/** A TCP or Unix socket server; `onSocket` gets every accepted socket. */
export function createStreamServer(onSocket: (socket: Socket) => void): Server {
  return createServer(onSocket);
}

/**
 * Makes `path` free to listen on when `unlink` is set: a socket file nobody answers on (left
 * by a crashed server) is removed. A live server's socket and a regular file are left alone,
 * so `listen` then fails with EADDRINUSE instead of orphaning a running server
 * (BEHAVIOUR.md "Known bugs": node-ipc deleted whatever sat at the path).
 * Resolves to an EADDRINUSE error when a live server answers, otherwise to null.
 */
export async function clearStaleSocket(path: string): Promise<NodeJS.ErrnoException | null> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch {
    return null; // nothing there
  }
  if (!isSocket) return null;
  if (await answers(path)) {
    return Object.assign(new Error(`listen EADDRINUSE: a server is already listening on ${path}`), {
      code: 'EADDRINUSE', errno: -98, syscall: 'listen', address: path,
    });
  }
  await unlink(path).catch(() => undefined);
  return null;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => { probe.destroy(); resolve(false); });
  });
}
