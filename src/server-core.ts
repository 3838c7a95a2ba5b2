/**
 * The listening side of a server (`ipc.server`): a Unix socket / named pipe, TCP, TLS or UDP
 * listener, its accepted connections (or known UDP peers), and where an encoded frame goes.
 * Nothing listens until `start()`. `Server` (server.ts) adds the messaging API on top:
 * `emit`, `broadcast` and the promise API.
 *
 * Stream transports hand handlers the real `net.Socket` / `tls.TLSSocket` (node-ipc users
 * read `socket.id`, `socket.remoteAddress`, ...). UDP hands them the peer's
 * `{address, port}`, which `emit` takes back to reply.
 */
import type { Server as NetServer, Socket } from 'node:net';
import type { TlsOptions, TLSSocket } from 'node:tls';
import { copyBytes, detachFrame } from './codec/raw';
import type { TextFrames } from './codec/text-frames';
import { toSocketPath, type IpcConfig } from './config';
import { Endpoint } from './endpoint';
import { IpcError, invalidArgument } from './errors';
import type { EmitTarget, MessageSource, ServerSocket } from './event-map';
import type { LogFunction } from './log';
import { clearStaleSocket, createStreamServer } from './transport/net';
import { StreamConnection, type ConnectionOptions, type ConnectionOwner } from './transport/stream-connection';
import { attachListener, onConnection, type ListenerOwner } from './transport/stream-listener';
import { createTlsServer, resolveTlsServerOptions } from './transport/tls';
import { UdpEndpoint, type DatagramOwner, type UdpPeer } from './transport/udp';

const State = { idle: 0, starting: 1, listening: 2, stopped: 3 } as const;
type State = (typeof State)[keyof typeof State];

export class ServerCore<L extends object> extends Endpoint<L> implements ConnectionOwner, DatagramOwner, ListenerOwner {
  /** Unix socket path, or the host for TCP/TLS/UDP (node-ipc kept the host here). */
  path: string;
  /** Port for TCP/TLS/UDP (the bound port once started, when 0 was asked), `false` for a Unix socket. */
  port: number | false;
  /** True for a udp4 server. */
  udp4 = false;
  /** True for a udp6 server. */
  udp6 = false;
  /** The underlying `net.Server`, `tls.Server` or dgram socket once started, else `false`. */
  server: NetServer | UdpEndpoint['socket'] | false = false;
  /** Connected client sockets (stream transports) or known peers (UDP). */
  sockets: MessageSource[] = [];

  private _state: State = State.idle;
  private _udp: UdpEndpoint | null = null;

  constructor(path: string, config: IpcConfig, log: LogFunction, port?: number | false) {
    super(config, log);
    this.path = path;
    this.port = port === undefined ? false : port;
  }

  /** True while listening (after `start`, before `stop`). */
  get listening(): boolean {
    return this._state === State.listening;
  }

  /** True once `stop()` ran. */
  get stopped(): boolean {
    return this._state === State.stopped;
  }

  /** The node-ipc hook that publishes `start`. */
  onStart(socket?: unknown): void {
    this.publish('start', socket);
  }

  /** Starts listening; publishes `start` when ready, or `error` when it cannot. */
  start(): void {
    if (this._state === State.starting || this._state === State.listening) return;
    this._state = State.starting;
    const config = this.config;
    if (!this.path && this.port === false) {
      this._startFailed(new IpcError('ERR_IPC_NO_ADDRESS', 'The server has no socket path or port to listen on'));
      return;
    }
    let tlsOptions: TlsOptions | undefined;
    if (this.profile !== null) {
      // node-ipc 14 throws its configuration faults from start(): TLS identity, assured transport, socket root.
      try {
        tlsOptions = this.profile.checkServer(this);
      } catch (err) {
        this._state = State.idle;
        throw err;
      }
    }
    if (this.udp4 || this.udp6) {
      this._startUdp(this.udp4 ? 'udp4' : 'udp6');
      return;
    }
    let server: NetServer;
    try {
      server = config.tls ? createTlsServer(tlsOptions ?? resolveTlsServerOptions(config.tls), onConnection) : createStreamServer(onConnection);
    } catch (err) {
      this._startFailed(err as Error);
      return;
    }
    attachListener(server, this);
    server.maxConnections = config.maxConnections;
    this.server = server;
    if (this.port !== false) {
      if (!config.silent) this.log('starting server on', this.path, ':', this.port, config.tls ? '(TLS)' : '(TCP)');
      server.listen(this.port, this.path, () => this._listening());
      return;
    }
    const path = toSocketPath(this.path);
    this.path = path;
    if (!config.silent) this.log('starting server as Unix || Windows socket on', path);
    const listen = (): void => {
      if (this._state !== State.starting) return;
      // The socket file goes away with the listening handle: libuv unlinks it on close. A
      // cluster worker shares the primary's handle, so its stop() leaves the file to its siblings.
      server.listen({ path, readableAll: config.readableAll, writableAll: config.writableAll }, () => this._listening());
    };
    if (!config.unlink || process.platform === 'win32') {
      listen();
      return;
    }
    clearStaleSocket(path).then((inUse) => {
      if (inUse === null) listen();
      else this._startFailed(inUse);
    }, (err: Error) => this._startFailed(err));
  }

  /**
   * Stops listening at once (the Unix socket file goes with the listener) and closes every
   * client connection gracefully: what was emitted or broadcast before is written, then each
   * socket half-closes and closes once its client has read everything (bounded by
   * `config.closeTimeout`); `socket.disconnected` follows for each. Idempotent.
   */
  stop(): void {
    if (this._state === State.stopped || this._state === State.idle) {
      this._state = State.stopped;
      return;
    }
    this._state = State.stopped;
    if (this._udp !== null) {
      this._udp.close();
      this.sockets = [];
      return;
    }
    const server = this.server;
    if (server !== false) (server as NetServer).close();
    for (const socket of this.sockets.slice()) {
      const conn = StreamConnection.of(socket);
      if (conn === undefined) (socket as Socket).destroy();
      else conn.end();
    }
  }

  /** Sends one encoded frame to `socket`: a connection of ours, a foreign socket, or a UDP peer. */
  protected sendFrame(socket: EmitTarget, frame: string | Uint8Array): boolean {
    if (this._udp !== null) {
      const peer = socket as UdpPeer;
      if (!peer.address || !peer.port) return this.broadcastFrame(frame);
      this._udp.send(toBytes(frame, this.protocol.textFrames), peer.port, peer.address);
      return true;
    }
    const conn = StreamConnection.of(socket);
    if (conn !== undefined) return conn.write(frame);
    const foreign = socket as Partial<Socket>;
    // A socket that is not ours keeps what it is given until written.
    if (typeof foreign.write === 'function') {
      if (typeof frame !== 'string') return foreign.write(detachFrame(frame));
      const text = this.protocol.textFrames;
      return text.writable(frame) ? foreign.write(frame, text.encoding) : foreign.write(text.bytes(frame));
    }
    throw invalidArgument('socket', 'a socket or {address, port}', socket);
  }

  /** Sends one encoded frame to every client (UDP: every known peer). */
  protected broadcastFrame(frame: string | Uint8Array): boolean {
    if (this._udp !== null) {
      this._udp.broadcast(toBytes(frame, this.protocol.textFrames));
      return true;
    }
    let ok = true;
    const sockets = this.sockets;
    for (let i = 0; i < sockets.length; i++) {
      const conn = StreamConnection.of(sockets[i]);
      if (conn !== undefined && !conn.write(frame)) ok = false;
    }
    return ok;
  }

  private _listening(): void {
    if (this._state !== State.starting) return;
    this._state = State.listening;
    const address = (this.server as NetServer).address();
    if (this.port !== false && typeof address === 'object' && address !== null) this.port = address.port;
    this.onStart();
  }

  private _startFailed(err: Error): void {
    this._state = State.idle;
    if (!this.config.silent) this.log('server failed to start:', err);
    process.nextTick(() => this.publish('error', err));
  }

  private _startUdp(type: 'udp4' | 'udp6'): void {
    const udp = new UdpEndpoint(type, this, this.protocol, this.config.maxConnections);
    this._udp = udp;
    this.server = udp.socket;
    const host = type === 'udp4' && this.path === '::1' ? '127.0.0.1' : this.path;
    if (!this.config.silent) this.log('starting server as', type, 'on', host, ':', this.port);
    udp.bind(this.port === false ? 0 : this.port, host, () => {
      if (this._state !== State.starting) return;
      this._state = State.listening;
      const bound = udp.socket.address();
      this.port = bound.port;
      // node-ipc published `start` with the bound address, then `connect` with its dgram socket.
      this.onStart({ address: bound.address, port: bound.port });
      this.publish('connect', udp.socket);
    });
  }

  /**
   * Framing and limits of a new connection, read from the config when it is accepted: node-ipc
   * read `rawBuffer` per chunk, and real code switches it on in the `serve` callback (after start).
   */
  private _connectionOptions(): ConnectionOptions {
    const limits = this.protocol.streamLimits();
    return {
      readers: this.protocol,
      maxPendingBytes: limits.maxPendingBytes,
      messageTimeout: limits.messageTimeout,
      closeTimeout: this.config.closeTimeout,
      readyEvent: null,
      textFrames: this.protocol.textFrames,
    };
  }

  /** @internal An accepted stream socket. */
  accept(socket: Socket): void {
    if (this._state !== State.listening) {
      socket.destroy();
      return;
    }
    new StreamConnection(socket, this, this._connectionOptions());
    this.sockets.push(socket);
    if (!this.config.silent) this.log('## socket connection to server detected ##');
    this.publish('connect', socket);
  }

  /** @internal StreamConnection hook: nothing to do, accepted sockets are open from the start. */
  onConnectionOpen(): void {
    // Accepted sockets are open from the start.
  }

  /** @internal StreamConnection hook: one received message; published under its type as `(data, socket)`. */
  onConnectionMessage(conn: StreamConnection, type: string, data: unknown): void {
    // What received() does, inline: the stream path is the hot one.
    const socket = conn.socket as ServerSocket;
    if (typeof data === 'object' && data !== null && this.protocol.identifiesPeer) {
      const id = (data as { id?: unknown }).id;
      if (id) socket.id = id;
    }
    if (!this.config.silent) this.logMessage('received event of :', type, data);
    this.dispatchMessage(type, data, socket, 2);
  }

  /** @internal StreamConnection hook: unused on servers (only clients pace reads, in `sync` mode). */
  onConnectionReadEnd(): void {
    // Only clients pace anything on reads (sync mode).
  }

  /** @internal StreamConnection hook: a client socket's write buffer drained; publishes `drain`. */
  onConnectionDrain(conn: StreamConnection): void {
    this.publish('drain', conn.socket);
  }

  /** @internal StreamConnection hook: a socket or decoder fault; publishes `error` with the socket. */
  onConnectionError(conn: StreamConnection, err: Error): void {
    if (!this.config.silent) this.log('server socket error', err);
    this.publish('error', err, conn.socket);
  }

  /** @internal StreamConnection hook: a client socket closed; publishes `socket.disconnected`. */
  onConnectionClose(conn: StreamConnection): void {
    const socket = conn.socket as ServerSocket;
    const index = this.sockets.indexOf(socket);
    if (index !== -1) this.sockets.splice(index, 1);
    const id = socket.id === undefined ? false : socket.id;
    if (!this.config.silent) this.log('socket disconnected', id);
    this.publish('socket.disconnected', socket, id);
    // node-ipc 14 also publishes `close` with the socket (9/10 did not).
    if (this.profile !== null) this.publish('close', socket);
  }

  /** @internal UdpEndpoint hook: one message of a peer, published as `(data, {address, port})`. */
  onPeerMessage(peer: UdpPeer, type: string, data: unknown): void {
    this.received(type, data, peer);
  }

  /** @internal UdpEndpoint hook: a peer's datagram was refused; published as `error` with the peer. */
  onPeerError(peer: UdpPeer, err: IpcError): void {
    this.publish('error', err, peer);
  }

  /** @internal UdpEndpoint hook: the known peers are the server's `sockets`. */
  onPeersChanged(peers: UdpPeer[]): void {
    this.sockets = peers;
  }

  /** @internal UdpEndpoint hook: a dgram fault; published as `error`. */
  onDatagramError(err: Error): void {
    this.listenerFailed(err);
  }

  /** @internal The listener failed (EADDRINUSE, EACCES, ...): `start()` may be tried again. */
  listenerFailed(err: Error): void {
    if (this._state === State.starting) {
      this._state = State.idle;
      if (!this.config.silent) this.log('server failed to start:', err);
    }
    this.publish('error', err);
  }

  /** @internal ListenerOwner: a TLS client failed before it was accepted. */
  clientRefused(err: Error, socket: TLSSocket | undefined): void {
    this.publish('error', err, socket);
  }

  /** A message from the wire: node-ipc 9/10 (and 14 with `identifyPeer`) name the socket after `data.id`. */
  protected received(type: string, data: unknown, from: ServerSocket | UdpPeer): void {
    if (typeof data === 'object' && data !== null && this.protocol.identifiesPeer) {
      const id = (data as { id?: unknown }).id;
      if (id) from.id = id;
    }
    if (!this.config.silent) this.logMessage('received event of :', type, data);
    this.dispatchMessage(type, data, from, 2);
  }
}


/** A datagram's bytes: dgram may keep them past the call (queued until bound, or behind earlier sends), so bytes are copied. */
function toBytes(frame: string | Uint8Array, text: TextFrames): Buffer {
  return typeof frame === 'string' ? text.bytes(frame) : copyBytes(frame);
}
