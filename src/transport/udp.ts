/**
 * UDP: a bound dgram socket. Connectionless, so the "socket" of a peer is its
 * `{address, port}`; every datagram is one or more whole frames (or raw bytes).
 * No drain exists here: one send per datagram, and an oversize datagram is an error
 * reported with ERR_IPC_DATAGRAM_TOO_LARGE, never silently truncated.
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from 'node:dgram';
import type { DatagramReader, MessageSink, ReaderFactory } from '../codec/reader';
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
  /** One message a peer sent (raw mode: `('data', bytes)`). */
  onPeerMessage(peer: UdpPeer, type: string, data: unknown): void;
  /** A datagram of a peer that its protocol refused (dropped; reading goes on). */
  onPeerError(peer: UdpPeer, err: IpcError): void;
  /** The known peers changed: a new one was added (and the oldest maybe forgotten). */
  onPeersChanged(peers: UdpPeer[]): void;
  /** A socket fault, or a datagram too large to send. */
  onDatagramError(err: Error): void;
}

/** A known peer: its record (what handlers get) and the reader of its datagrams. */
class PeerEntry implements MessageSink {
  readonly reader: DatagramReader;

  constructor(readonly peer: UdpPeer, private readonly _owner: DatagramOwner, readers: ReaderFactory) {
    this.reader = readers.datagramReader(this);
  }

  onMessage(type: string, data: unknown): void {
    this._owner.onPeerMessage(this.peer, type, data);
  }

  onProtocolError(err: IpcError): void {
    this._owner.onPeerError(this.peer, err);
  }
}

type SlottedDgram = DgramSocket & { [kEndpoint]?: UdpEndpoint };
const kEndpoint = Symbol('node-ipc-ts.udp');

/** @internal A bound dgram socket owned by a UDP server (`ipc.server.server` is its `socket`). */
export class UdpEndpoint {
  /** The underlying `dgram.Socket`. */
  readonly socket: DgramSocket;
  /** `'udp4'` or `'udp6'`. */
  readonly type: 'udp4' | 'udp6';
  private readonly _owner: DatagramOwner;
  private readonly _readers: ReaderFactory;
  private readonly _maxPeers: number;
  /** Known peers by `address|port`, oldest first. */
  private readonly _peers = new Map<string, PeerEntry>();
  /** Datagrams handed to `socket.send` whose callback has not run yet. */
  private _sending = 0;
  private _closing = false;

  /** `maxPeers`: how many peers are remembered (the oldest is forgotten past it). */
  constructor(type: 'udp4' | 'udp6', owner: DatagramOwner, readers: ReaderFactory, maxPeers: number) {
    this.type = type;
    this._owner = owner;
    this._readers = readers;
    this._maxPeers = Math.max(1, maxPeers);
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
      process.nextTick(() => this._owner.onDatagramError(err));
      return;
    }
    this._sending++;
    this.socket.send(bytes, port, address, (err) => {
      if (--this._sending === 0 && this._closing) this._closeNow();
      if (err === null || err === undefined || this._closing) return;
      const code = (err as NodeJS.ErrnoException).code;
      this._owner.onDatagramError(code === 'EMSGSIZE'
        ? new IpcError('ERR_IPC_DATAGRAM_TOO_LARGE', `The system refused a ${bytes.length} byte datagram (EMSGSIZE)`, { cause: err })
        : err);
    });
  }

  /** Sends one datagram to every known peer. */
  broadcast(bytes: Buffer): void {
    for (const entry of this._peers.values()) this.send(bytes, entry.peer.port, entry.peer.address);
  }

  /**
   * Closes once every datagram already sent has left: dgram sends after an address lookup
   * (a tick later), and closing first would silently drop a reply emitted just before stop().
   * Nothing received meanwhile is delivered.
   */
  close(): void {
    this._closing = true;
    this._peers.clear();
    if (this._sending === 0) this._closeNow();
  }

  private _closeNow(): void {
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }

  /** Every known peer, oldest first. */
  peers(): UdpPeer[] {
    return [...this._peers.values()].map((entry) => entry.peer);
  }

  /** @internal */
  receive(bytes: Buffer, from: RemoteInfo): void {
    if (this._closing) return;
    this._peerOf(from).reader.read(bytes);
  }

  /** The stable record of a sender, at most `maxPeers` remembered (oldest forgotten). */
  private _peerOf(from: RemoteInfo): PeerEntry {
    const key = `${from.address}|${from.port}`;
    let entry = this._peers.get(key);
    if (entry !== undefined) return entry;
    entry = new PeerEntry({ address: from.address, port: from.port, family: from.family }, this._owner, this._readers);
    this._peers.set(key, entry);
    if (this._peers.size > this._maxPeers) this._peers.delete(this._peers.keys().next().value as string);
    this._owner.onPeersChanged(this.peers());
    return entry;
  }

  /** @internal */
  fault(err: Error): void {
    if (this._closing) return;
    this._owner.onDatagramError(err);
  }
}

function dgramOnMessage(this: SlottedDgram, bytes: Buffer, from: RemoteInfo): void {
  this[kEndpoint]?.receive(bytes, from);
}

function dgramOnError(this: SlottedDgram, err: Error): void {
  this[kEndpoint]?.fault(err);
}
