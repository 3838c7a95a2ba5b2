/**
 * The seam between the promise API and the endpoints it serves: what `ready`, `request`,
 * `handle`, `messages` and `close` need of a client or server, and nothing more. "Send this
 * message", "tell me about messages and the end of a connection" (the endpoint's own
 * events), and a few state reads. The async layer depends on these interfaces only; it never
 * imports `client.ts` or `server.ts`, which hand it an object of this shape.
 */
import type { Server as NetServer } from 'node:net';
import type { EventHub } from '../events';

/** What the async layer needs of a client (`ipc.of[id]`). */
export interface ClientSeam {
  /** The client's id, for messages. */
  readonly id: string;
  /** The client's events: `connect`, `disconnect`, `destroy`, `error` and every message type. */
  readonly events: EventHub;
  /** True while a connection is open. */
  isConnected(): boolean;
  /** True once the client gave up or was disconnected: no connection opens again. */
  isFinished(): boolean;
  /** True once `destroy` was published. */
  isDestroyed(): boolean;
  /** True while messages are raw bytes (no requests there). */
  isRaw(): boolean;
  /** Sends one message to the server; returns what `emit` returned. Throws for unserialisable data. */
  send(type: string, data: unknown): boolean;
  /** `ipc.disconnect(id)`: no more retries, a graceful close, `destroy` follows. */
  disconnect(): void;
  /** Removes the (finished) client from the `ipc.of` it was registered in. */
  unregister(): void;
}

/** The listening handle of a server: a `net.Server` / `tls.Server`, or a dgram socket. */
export type ListeningHandle = NetServer | { address(): unknown; close(): void; once(event: 'close', listener: () => void): unknown; off(event: 'close', listener: () => void): unknown };

/** What the async layer needs of a server (`ipc.server`). */
export interface ServerSeam {
  /** The server's events: `start`, `error`, `socket.disconnected` and every message type. */
  readonly events: EventHub;
  /** True while listening. */
  isListening(): boolean;
  /** True once `stop()` ran. */
  isStopped(): boolean;
  /** True for a UDP server (no requests there). */
  isUdp(): boolean;
  /** True while messages are raw bytes (no requests there). */
  isRaw(): boolean;
  /** True when `socket` is a connected client of this server. */
  isClient(socket: object): boolean;
  /** Connected clients (UDP: known peers). */
  clientCount(): number;
  /** The listening handle once `start()` made one, else false. */
  handle(): ListeningHandle | false;
  /** Sends one message to `socket`; returns what `emit` returned. Throws for unserialisable data. */
  send(socket: object, type: string, data: unknown): boolean;
  /** `server.stop()`. */
  stop(): void;
}
