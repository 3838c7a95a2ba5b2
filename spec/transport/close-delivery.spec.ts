/**
 * Nothing emitted before a close is lost. Real code ends a conversation by emitting and
 * closing in the same tick (node-ipc's cluster example emits, then `ipc.disconnect`); the old
 * packages wrote through, so the kernel had the bytes before the close. Here a tick's frames
 * wait in a batch, and `disconnect` / `stop` must hand that batch over before they close.
 *
 * Every count is taken when the receiver sees the connection END: a reader gets all data
 * before the end of the stream, so "exactly N at the end" proves none lost and none doubled.
 */
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Client } from '../../src/client';
import type { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { HARD_TRANSPORTS, type HardTransport } from '../helpers/hardening';
import { expectErrors, freshIpc, nextEvent, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const BIG = 8 * 1024 * 1024;

interface Pair {
  server: Server;
  serverIpc: IPCModule;
  clientIpc: IPCModule;
  client: Client;
  /** The server's socket of this client. */
  socket: Socket;
}

async function pair(transport: HardTransport, raw: boolean, configure?: (config: IPCModule['config']) => void): Promise<Pair> {
  const dir = tempDir();
  const serverIpc = freshIpc((config) => {
    config.rawBuffer = raw;
    configure?.(config);
    transport.configureServer(config);
  });
  const server = await transport.serve(serverIpc, dir);
  const clientIpc = freshIpc((config) => {
    config.rawBuffer = raw;
    config.maxRetries = 0;
    configure?.(config);
    transport.configureClient(config);
  });
  const accepted = nextEvent(server, 'connect');
  transport.connect(clientIpc, 'world', server);
  const client = clientIpc.of.world as Client;
  await Promise.all([nextEvent(client, 'connect'), accepted]);
  const socket = server.sockets[0] as Socket;
  return { server, serverIpc, clientIpc, client, socket };
}

/** Counts JSON `type` messages (or raw bytes) on `target` until `endEvent`, then resolves with what arrived. */
function receiveUntil(target: Server | Client, raw: boolean, type: string, endEvent: string): Promise<{ messages: unknown[]; bytes: Buffer }> {
  const messages: unknown[] = [];
  const chunks: Buffer[] = [];
  if (raw) target.on('data', (chunk: Buffer) => { chunks.push(Buffer.from(chunk)); });
  else target.on(type, (data: unknown) => { messages.push(data); });
  return nextEvent(target, endEvent, 10000).then(() => ({ messages, bytes: Buffer.concat(chunks) }));
}

function rawMessage(i: number): Buffer {
  return Buffer.from(`raw-${i};`);
}

for (const transport of HARD_TRANSPORTS) {
  for (const raw of [false, true]) {
    const mode = raw ? 'raw' : 'JSON';
    const expectedRaw = Buffer.concat([0, 1, 2, 3, 4].map(rawMessage));

    describe(`close delivery over ${transport.name} (${mode})`, () => {
      it('client: 5 emits then ipc.disconnect(id) in the same tick all arrive', async () => {
        const { server, clientIpc, client } = await pair(transport, raw);
        const received = receiveUntil(server, raw, 'app.msg', 'socket.disconnected');
        const destroyed = nextEvent(client, 'destroy');
        for (let i = 0; i < 5; i++) {
          if (raw) client.emit(rawMessage(i));
          else client.emit('app.msg', { i });
        }
        clientIpc.disconnect('world');
        const { messages, bytes } = await received;
        if (raw) expect(bytes).toEqual(expectedRaw);
        else expect(messages).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
        await destroyed;
      });

      it('server: 5 emits to a socket then server.stop() all arrive', async () => {
        const { server, client, socket } = await pair(transport, raw);
        const received = receiveUntil(client, raw, 'app.msg', 'disconnect');
        for (let i = 0; i < 5; i++) {
          if (raw) server.emit(socket, rawMessage(i));
          else server.emit(socket, 'app.msg', { i });
        }
        server.stop();
        const { messages, bytes } = await received;
        if (raw) expect(bytes).toEqual(expectedRaw);
        else expect(messages).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
      });

      it('server: 5 broadcasts to two clients then server.stop() all arrive at both', async () => {
        const { server, client, serverIpc } = await pair(transport, raw);
        const second = freshIpc((config) => {
          config.rawBuffer = raw;
          config.maxRetries = 0;
          transport.configureClient(config);
        });
        const accepted = nextEvent(server, 'connect');
        transport.connect(second, 'world', server);
        await Promise.all([nextEvent(second.of.world as Client, 'connect'), accepted]);
        const both = [client, second.of.world as Client].map((c) => receiveUntil(c, raw, 'app.msg', 'disconnect'));
        for (let i = 0; i < 5; i++) {
          if (raw) server.broadcast(rawMessage(i));
          else server.broadcast('app.msg', { i });
        }
        serverIpc.server.stop();
        for (const { messages, bytes } of await Promise.all(both)) {
          if (raw) expect(bytes).toEqual(expectedRaw);
          else expect(messages).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
        }
      });

      it('an 8 MiB message emitted just before ipc.disconnect(id) arrives whole', async () => {
        const { server, clientIpc, client } = await pair(transport, raw);
        const received = receiveUntil(server, raw, 'app.big', 'socket.disconnected');
        const big = 'x'.repeat(BIG);
        if (raw) client.emit(big);
        else client.emit('app.big', big);
        clientIpc.disconnect('world');
        const { messages, bytes } = await received;
        if (raw) expect(bytes.length).toBe(BIG);
        else expect(messages.length === 1 && (messages[0] as string).length === BIG).toBe(true);
      });

      it('an 8 MiB message emitted just before server.stop() arrives whole', async () => {
        const { server, client, socket } = await pair(transport, raw);
        const received = receiveUntil(client, raw, 'app.big', 'disconnect');
        const big = 'y'.repeat(BIG);
        if (raw) server.emit(socket, big);
        else server.emit(socket, 'app.big', big);
        server.stop();
        const { messages, bytes } = await received;
        if (raw) expect(bytes.length).toBe(BIG);
        else expect(messages.length === 1 && (messages[0] as string).length === BIG).toBe(true);
      });
    });
  }
}

/** A client (id 'peer', `closeTimeout` ms) connected to a plain net server that treats each socket with `onSocket`. */
async function clientOfPlainPeer(closeTimeout: number, allowHalfOpen: boolean, onSocket: (socket: Socket) => void): Promise<{ ipc: IPCModule; client: Client }> {
  const path = join(tempDir(), 'peer.sock');
  const held: Socket[] = [];
  const peer = createServer({ allowHalfOpen }, (socket) => { onSocket(socket); held.push(socket); });
  await new Promise<void>((resolve) => peer.listen(path, resolve));
  teardown.add(() => new Promise<void>((resolve) => { for (const s of held) s.destroy(); peer.close(() => resolve()); }));
  const ipc = freshIpc((config) => { config.closeTimeout = closeTimeout; config.maxRetries = 0; });
  ipc.connectTo('peer', path);
  const client = ipc.of.peer as Client;
  await nextEvent(client, 'connect');
  return { ipc, client };
}

describe('graceful close', () => {
  it('in sync mode, messages still waiting for their turn are written on disconnect', async () => {
    const { server, clientIpc, client } = await pair(HARD_TRANSPORTS[0] as HardTransport, false, (config) => { config.sync = true; });
    const received = receiveUntil(server, false, 'app.msg', 'socket.disconnected');
    for (let i = 0; i < 4; i++) client.emit('app.msg', { i });
    expect(client.queue.length).toBe(3);
    clientIpc.disconnect('world');
    expect((await received).messages).toEqual([0, 1, 2, 3].map((i) => ({ i })));
  });

  it('messages kept offline are reported once with ERR_IPC_UNSENT when disconnect comes before a connection', async () => {
    const dir = tempDir();
    const ipc = freshIpc();
    ipc.connectTo('nobody', join(dir, 'none.sock'));
    const client = ipc.of.nobody as Client;
    // Dialling a missing socket fails (ENOENT); the unsent report is what this spec is about.
    expectErrors(client, 'ENOENT', 'ERR_IPC_UNSENT');
    const errors: IpcError[] = [];
    client.on('error', (err: IpcError) => { if (err.code === 'ERR_IPC_UNSENT') errors.push(err); });
    client.emit('app.msg', 1);
    client.emit('app.msg', 2);
    const destroyed = nextEvent(client, 'destroy');
    ipc.disconnect('nobody');
    await destroyed;
    expect(errors.length).toBe(1);
    expect((errors[0] as IpcError).message).toContain('2 messages');
  });

  it('messages kept offline are reported with ERR_IPC_UNSENT when the client gives up retrying', async () => {
    const dir = tempDir();
    const ipc = freshIpc((config) => { config.maxRetries = 1; config.retry = 10; });
    ipc.connectTo('nobody', join(dir, 'none.sock'));
    const client = ipc.of.nobody as Client;
    expectErrors(client, 'ENOENT', 'ERR_IPC_UNSENT');
    const codes: string[] = [];
    client.on('error', (err: { code?: string }) => { codes.push(String(err.code)); });
    client.emit('app.msg', 1);
    await nextEvent(client, 'destroy');
    expect(codes.filter((code) => code === 'ERR_IPC_UNSENT').length).toBe(1);
  });

  it('bounds a close to a peer that never reads by closeTimeout: ERR_IPC_CLOSE_TIMEOUT, then destroy', async () => {
    // A peer that accepts and never reads: its receive buffer fills, ours stays full.
    const { ipc, client } = await clientOfPlainPeer(200, false, (socket) => socket.pause());
    const failed = nextEvent(client, 'error');
    const destroyed = nextEvent(client, 'destroy');
    // Taken before the emit: the close timer counts from the event loop's cached time, which
    // is older than anything read after encoding 32 MiB (tens of ms on a slow machine).
    const started = Date.now();
    client.emit('app.big', 'z'.repeat(32 * 1024 * 1024));
    ipc.disconnect('peer');
    const [err] = await failed as [IpcError];
    expect(err.code).toBe('ERR_IPC_CLOSE_TIMEOUT');
    expect(err.message).toContain('closeTimeout (200 ms)');
    await destroyed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(client.socket !== false && client.socket.destroyed).toBe(true);
  });

  it('closes at once when the peer reads everything (no wait for closeTimeout)', async () => {
    const { server, clientIpc, client } = await pair(HARD_TRANSPORTS[1] as HardTransport, false, (config) => { config.closeTimeout = 60000; });
    const gone = nextEvent(server, 'socket.disconnected');
    const destroyed = nextEvent(client, 'destroy', 3000);
    client.emit('app.msg', 1);
    clientIpc.disconnect('world');
    await Promise.all([gone, destroyed]);
  });

  it('a peer that half-closes and keeps its side open still lets a graceful close finish after closeTimeout, quietly', async () => {
    // Reads everything but never ends its side (allowHalfOpen): only the FIN answer is missing.
    const { ipc, client } = await clientOfPlainPeer(100, true, (socket) => socket.resume());
    const errors: unknown[] = [];
    client.on('error', (err: unknown) => { errors.push(err); });
    const destroyed = nextEvent(client, 'destroy');
    client.emit('app.msg', 1);
    ipc.disconnect('peer');
    await destroyed;
    expect(errors).toEqual([]);
  });

  it('server.stop() still delivers what a client emitted just before it', async () => {
    const { server, client } = await pair(HARD_TRANSPORTS[0] as HardTransport, false);
    const got: unknown[] = [];
    server.on('app.msg', (data: unknown) => { got.push(data); });
    const arrived = nextEvent(server, 'app.msg');
    client.emit('app.msg', { last: true });
    await arrived;
    const gone = nextEvent(client, 'disconnect');
    server.stop();
    await gone;
    expect(got).toEqual([{ last: true }]);
  });

  it('a raw net client sees the FIN after the last frame when the server stops', async () => {
    const dir = tempDir();
    const ipc = freshIpc();
    ipc.serve(join(dir, 'fin.sock'));
    const server = ipc.server;
    await new Promise<void>((resolve) => { server.on('start', () => resolve()); server.start(); });
    const socket = netConnect(join(dir, 'fin.sock'));
    teardown.add(() => socket.destroy());
    const [peer] = await nextEvent(server, 'connect') as [Socket];
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise<void>((resolve) => socket.on('end', () => resolve()));
    server.emit(peer, 'app.last', 1);
    server.stop();
    await ended;
    expect(Buffer.concat(chunks).toString()).toBe('{"type":"app.last","data":1}\f');
  });
});
