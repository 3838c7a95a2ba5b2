/**
 * The listening side of stream servers: a `net.Server` or `tls.Server` wired to its owner
 * through module-level listeners that find the owner in a symbol slot (no closure per
 * server, every listener removable by reference), as stream-connection.ts does for sockets.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** What a listener reports to the server that owns it. */
export interface ListenerOwner {
  /** An accepted socket (TLS: after its handshake). */
  accept(socket: Socket): void;
  /** The listener failed (EADDRINUSE, EACCES, ...). */
  listenerFailed(err: Error): void;
  /** A TLS client failed before it was accepted; `err.code` says why when Node knows. */
  clientRefused(err: Error, socket: TLSSocket | undefined): void;
}

const kOwner = Symbol('node-ipc-ts.listener');
type SlottedServer = NetServer & { [kOwner]?: ListenerOwner };

/** Wires `server` (made with {@link onConnection} as its connection listener) to `owner`. */
export function attachListener(server: NetServer, owner: ListenerOwner): void {
  (server as SlottedServer)[kOwner] = owner;
  server.on('error', listenerOnError);
  server.on('tlsClientError', listenerOnTlsClientError);
}

/** The connection listener to create a server with. */
export function onConnection(this: SlottedServer, socket: Socket): void {
  const owner = this[kOwner];
  if (owner === undefined) socket.destroy();
  else owner.accept(socket);
}

function listenerOnError(this: SlottedServer, err: Error): void {
  this[kOwner]?.listenerFailed(err);
}

/**
 * Node destroys a TLS client whose certificate fails verification without saying why (the
 * error is a bare ECONNRESET "socket hang up"); the reason is on the socket, so it becomes
 * the reported error's code.
 */
function listenerOnTlsClientError(this: SlottedServer, err: Error, socket?: TLSSocket): void {
  const owner = this[kOwner];
  if (owner === undefined) return;
  const reason: unknown = socket?.authorizationError;
  if (typeof reason === 'string' && reason.length > 0) {
    owner.clientRefused(Object.assign(new Error(`TLS client refused: its certificate failed verification (${reason})`, { cause: err }), { code: reason }), socket);
    return;
  }
  owner.clientRefused(err, socket);
}
