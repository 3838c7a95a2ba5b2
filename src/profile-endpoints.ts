/**
 * How a client or server made with node-ipc 14 keys sends and receives: its `emit`,
 * `broadcast` and frame handlers are replaced ONCE, when it is made, by the ones of its
 * profile. Clients and servers without those keys keep their own methods, so the node-ipc 9/10
 * hot path pays nothing for profiles (no flag is read per message).
 *
 * Every protocol fault (bad JSON, a refused name, a frame too large) closes that stream
 * connection with the error, as node-ipc 14 does; a client never reconnects after one. On UDP
 * there is no connection: the datagram is dropped and the error published with its sender.
 */
import { StringDecoder } from 'node:string_decoder';
import type { RemoteInfo } from 'node:dgram';
import { forEachFrame } from './codec/frame-decoder';
import type { ParsedMessage, Parser } from './codec/parsers/parser';
import { ignoreRawExtras, toRawBytes } from './codec/raw';
import type { Client } from './client';
import { IpcError } from './errors';
import type { EmitTarget, MessageSource, Server } from './server';
import type { Profile } from './profile';
import type { StreamConnection } from './transport/stream-connection';


/** Wires `client` to `profile` (called once, from its constructor). */
export function useClientProfile(client: Client, profile: Profile): void {
  const target = client as unknown as Record<string, unknown>;
  target.emit = clientEmit;
  target.onConnectionFrame = profile.raw ? clientRawFrame : profile.parser !== null ? clientCustomChunk : clientFrame;
}

/** Wires `server` to `profile` (called once, from its constructor). */
export function useServerProfile(server: Server, profile: Profile): void {
  const target = server as unknown as Record<string, unknown>;
  target.emit = serverEmit;
  target.broadcast = serverBroadcast;
  target.onConnectionFrame = profile.raw ? serverRawFrame : profile.parser !== null ? serverCustomChunk : serverFrame;
  target.onDatagram = serverDatagram;
}

/**
 * Raw profiles: the frame of one `emit` / `broadcast` call from its first three values (named
 * parameters, never `arguments`: V8 would build that object on every call, raw or not).
 */
function encodeRawCall(profile: Profile, value: unknown, second: unknown, third: unknown): string | Uint8Array {
  if (profile.parser !== null) return profile.parser.encode(value as string, second);
  // One value per call, as in node-ipc; more are ignored (NODEIPC_RAW_EXTRA_ARGS, once).
  ignoreRawExtras(second, third);
  return toRawBytes(value, profile.encoding);
}

/** What automatic logs show of a payload: nothing unless `logPayloads` (node-ipc 14). */
function shown(profile: Profile, data: unknown): unknown {
  return profile.logPayloads ? data : '<payload omitted>';
}

// --- client -------------------------------------------------------------------------------

function clientEmit(this: Client, type: unknown, data: unknown, more: unknown): boolean {
  const profile = this.profile as Profile;
  const frame = profile.raw ? encodeRawCall(profile, type, data, more) : profile.encode(type, data);
  if (!this.config.silent) this.log('dispatching event to', this.id, this.path, ':', profile.raw ? '<raw-buffer>' : type, shown(profile, data));
  if (this.destroyed || this.explicitlyDisconnected) {
    const err = new IpcError('ERR_IPC_NOT_CONNECTED', `Client "${this.id}" is not connected and will not reconnect; the message was dropped`);
    process.nextTick(() => this.publish('error', err));
    return false;
  }
  if (this.config.sync) return this.queue.add(frame, this);
  return this.send(frame);
}

function clientFrame(this: Client, conn: StreamConnection, frame: Buffer): void {
  if (!this.isCurrentConnection(conn)) return;
  const profile = this.profile as Profile;
  const message = profile.decode(frame);
  if (message instanceof IpcError) {
    this.protocolFault(conn, message);
    return;
  }
  if (!this.config.silent) this.log('detected event', message.type, shown(profile, message.data));
  this.deliverMessage(message.type, message.data);
}

function clientRawFrame(this: Client, conn: StreamConnection, chunk: Buffer): void {
  if (this.isCurrentConnection(conn)) this.deliverMessage('data', chunk);
}

function clientCustomChunk(this: Client, conn: StreamConnection, chunk: Buffer): void {
  if (!this.isCurrentConnection(conn)) return;
  const profile = this.profile as Profile;
  readCustom(profile.parser as Parser, conn, chunk, (message) => {
    if (!this.config.silent) this.log('detected event', message.type, shown(profile, message.data));
    this.deliverMessage(message.type, message.data);
  }, (err) => this.protocolFault(conn, err));
}

// --- server -------------------------------------------------------------------------------

function serverEmit(this: Server, socket: EmitTarget, type: unknown, data: unknown, more: unknown): boolean {
  const profile = this.profile as Profile;
  const frame = profile.raw ? encodeRawCall(profile, type, data, more) : profile.encode(type, data);
  if (!this.config.silent) this.log('dispatching event to socket :', profile.raw ? '<raw-buffer>' : type, shown(profile, data));
  return this.sendFrame(socket, frame);
}

function serverBroadcast(this: Server, type: unknown, data: unknown, more: unknown): boolean {
  const profile = this.profile as Profile;
  const frame = profile.raw ? encodeRawCall(profile, type, data, more) : profile.encode(type, data);
  if (!this.config.silent) this.log('broadcasting event to all known sockets :', profile.raw ? '<raw-buffer>' : type, shown(profile, data));
  return this.sendToAll(frame);
}

function serverFrame(this: Server, conn: StreamConnection, frame: Buffer): void {
  const message = (this.profile as Profile).decode(frame);
  if (message instanceof IpcError) conn.fail(message);
  else deliverToServer(this, message, conn.socket);
}

function serverRawFrame(this: Server, conn: StreamConnection, chunk: Buffer): void {
  this.deliverMessage('data', chunk, conn.socket);
}

function serverCustomChunk(this: Server, conn: StreamConnection, chunk: Buffer): void {
  readCustom((this.profile as Profile).parser as Parser, conn, chunk,
    (message) => deliverToServer(this, message, conn.socket), (err) => conn.fail(err));
}

function serverDatagram(this: Server, bytes: Buffer, from: RemoteInfo): void {
  const profile = this.profile as Profile;
  const peer = this.peerOf(from);
  const refuse = (err: IpcError): void => { this.publish('error', err, peer); };
  if (profile.raw) {
    if (bytes.length > profile.maxMessageSize) refuse(tooLarge(bytes.length, profile));
    else this.deliverMessage('data', bytes, peer);
    return;
  }
  if (profile.parser !== null) {
    readCustom(profile.parser, peer, bytes, (message) => deliverToServer(this, message, peer), refuse);
    return;
  }
  forEachFrame(bytes, profile.delimiterBuffer, (frame) => {
    if (frame.length > profile.maxMessageSize) return refuse(tooLarge(frame.length, profile));
    const message = profile.decode(frame);
    if (message instanceof IpcError) refuse(message);
    else deliverToServer(this, message, peer);
  });
}

function deliverToServer(server: Server, message: ParsedMessage, from: MessageSource): void {
  const profile = server.profile as Profile;
  const data = message.data as { id?: unknown } | null | undefined;
  // node-ipc 14 copies `data.id` to the socket only with identifyPeer (9/10 always did).
  if (profile.identifyPeer && data && typeof data === 'object' && data.id) from.id = data.id;
  if (!server.config.silent) server.log('received event of :', message.type, shown(profile, message.data));
  server.deliverMessage(message.type, message.data, from);
}

function tooLarge(bytes: number, profile: Profile): IpcError {
  return new IpcError('ERR_IPC_FRAME_TOO_LARGE',
    `Incoming frame of ${bytes} bytes exceeds maxMessageSize (${profile.maxMessageSize} bytes); it was dropped`);
}

// --- custom parsers -----------------------------------------------------------------------

/** What a custom parser has been handed but not consumed, per connection or UDP peer. */
interface CustomState {
  text: StringDecoder;
  remainder: string;
}

const customStates = new WeakMap<object, CustomState>();

/**
 * Hands one chunk to a custom parser as text (node-ipc 14's contract). Whatever the parser
 * throws, and any message without a string `type`, is a protocol fault: a peer must never
 * crash the host (STYLE 6.4).
 */
function readCustom(parser: Parser, key: object, chunk: Buffer, deliver: (message: ParsedMessage) => void, fault: (err: IpcError) => void): void {
  let state = customStates.get(key);
  if (state === undefined) {
    state = { text: new StringDecoder(parser.encoding ?? 'utf8'), remainder: '' };
    customStates.set(key, state);
  }
  let failed = false;
  const receive = (message: ParsedMessage): void => {
    if (failed) return;
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
      failed = true;
      fault(new IpcError('ERR_IPC_INVALID_EVENT', 'The custom parser returned a message without a string type'));
      return;
    }
    deliver(message);
  };
  try {
    const remainder = parser.read(state.remainder, state.text.write(chunk), receive);
    state.remainder = typeof remainder === 'string' ? remainder : '';
  } catch (err) {
    if (failed) return;
    failed = true;
    state.remainder = '';
    fault(err instanceof IpcError ? err : asProtocolError(err));
  }
}

function asProtocolError(err: unknown): IpcError {
  const code = (err as { code?: unknown } | null)?.code;
  const wrapped = new IpcError('ERR_IPC_INVALID_MESSAGE', 'The custom parser refused the input', { cause: err });
  // A parser's own code (node-ipc 14 parsers throw IPCProtocolError with one) is kept.
  if (typeof code === 'string') Object.defineProperty(wrapped, 'code', { value: code, enumerable: true });
  return wrapped;
}
