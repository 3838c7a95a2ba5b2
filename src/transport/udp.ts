/**
 * UDP: a bound dgram socket. Connectionless, so the "socket" of a peer is its
 * `{address, port}`; every datagram is one or more whole frames (or raw bytes).
 * No drain exists here: one send per datagram, and an oversize datagram is an error
 * reported with ERR_IPC_DATAGRAM_TOO_LARGE, never silently truncated.
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram';
import { IpcError } from '../errors';

/** The address of a UDP peer, as handlers receive it and `server.emit` takes it. */
export interface UdpPeer {
  /** The peer's IP address. */
  address: string;
  /** The peer's UDP port. */
  port: number;
  /** `'IPv4'` or `'IPv6'`, as dgram reports it. */
  family?: string;
  /** Set from `data.id` of a received message, as on stream sockets. */
  id?: unknown;
}

/** Largest UDP payload: 65535 minus the IP and UDP headers. */
export function maxDatagramBytes(type: 'udp4' | 'udp6'): number {
  return type === 'udp4' ? 65507 : 65527;
}

/** What a {@link UdpEndpoint} reports to its server. */
export interface DatagramOwner {
  /** One received datagram and its sender. */
  onDatagram(bytes: Buffer, from: RemoteInfo): void;
  /** A socket fault, or a datagram too large to send. */
  onDatagramError(err: Error): void;
}

type SlottedDgram = DgramSocket & { [kEndpoint]?: UdpEndpoint };
const kEndpoint = Symbol('node-ipc-ts.udp');

/** @internal A bound dgram socket owned by a UDP server (`ipc.server.server` is its `socket`). */
export class UdpEndpoint {
  /** The underlying `dgram.Socket`. */
  readonly socket: DgramSocket;
  /** `'udp4'` or `'udp6'`. */
  readonly type: 'udp4' | 'udp6';
  readonly #owner: DatagramOwner;
  /** Datagrams handed to `socket.send` whose callback has not run yet. */
  #sending = 0;
  #closing = false;

  constructor(type: 'udp4' | 'udp6', owner: DatagramOwner) {
    this.type = type;
    this.#owner = owner;
    this.socket = createSocket(type);
    (this.socket as SlottedDgram)[kEndpoint] = this;
    this.socket.on('message', dgramOnMessage);
    this.socket.on('error', dgramOnError);
  }

  /** Binds and calls back once listening. */
  bind(port: number, host: string, onListening: () => void): void {
    this.socket.once('listening', onListening);
    this.socket.bind(port, host);
  }

  /** Sends one datagram; an oversize one is reported, not sent. */
  send(bytes: Buffer, port: number, address: string): void {
    const limit = maxDatagramBytes(this.type);
    if (bytes.length > limit) {
      const err = new IpcError('ERR_IPC_DATAGRAM_TOO_LARGE',
        `A ${bytes.length} byte datagram exceeds the ${limit} byte ${this.type} limit; it was not sent`);
      process.nextTick(() => this.#owner.onDatagramError(err));
      return;
    }
    this.#sending++;
    this.socket.send(bytes, port, address, (err) => {
      if (--this.#sending === 0 && this.#closing) this.#closeNow();
      if (err === null || err === undefined || this.#closing) return;
      const code = (err as NodeJS.ErrnoException).code;
      this.#owner.onDatagramError(code === 'EMSGSIZE'
        ? new IpcError('ERR_IPC_DATAGRAM_TOO_LARGE', `The system refused a ${bytes.length} byte datagram (EMSGSIZE)`, { cause: err })
        : err);
    });
  }

  /**
   * Closes once every datagram already sent has left: dgram sends after an address lookup
   * (a tick later), and closing first would silently drop a reply emitted just before stop().
   * Nothing received meanwhile is delivered.
   */
  close(): void {
    this.#closing = true;
    if (this.#sending === 0) this.#closeNow();
  }

  #closeNow(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  /** @internal */
  receive(bytes: Buffer, from: RemoteInfo): void {
    if (this.#closing) return;
    this.#owner.onDatagram(bytes, from);
  }

  /** @internal */
  fault(err: Error): void {
    if (this.#closing) return;
    this.#owner.onDatagramError(err);
  }
}

function dgramOnMessage(this: SlottedDgram, bytes: Buffer, from: RemoteInfo): void {
  this[kEndpoint]?.receive(bytes, from);
}

function dgramOnError(this: SlottedDgram, err: Error): void {
  this[kEndpoint]?.fault(err);
}
