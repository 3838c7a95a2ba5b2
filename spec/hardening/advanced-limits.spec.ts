/**
 * `serialization: 'advanced'` composes with the rest: node-ipc 14's guarded and assured name
 * checks both ways (a refused name before its payload is read), maxMessageSize from the
 * header, maxPendingBytes, backpressure (`emit` false, then `drain`), and delivery on a
 * graceful close, as on the JSON path.
 */
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Client } from '../../src/client';
import type { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { frameOf, v8Body } from '../helpers/advanced';
import { HARD_TRANSPORTS, closedWithin, rawPeer } from '../helpers/hardening';
import { collectEvents, expectErrors, freshIpc, nextEvent, started, tempDir } from '../helpers/support';

const MIB = 1024 * 1024;
const UNIX = HARD_TRANSPORTS[0]!;

type Configure = (config: IPCModule['config']) => void;

async function pair(configureServer: Configure, configureClient: Configure = configureServer): Promise<{ server: Server; client: Client; socket: Socket; clientIpc: IPCModule }> {
  const server = await UNIX.serve(freshIpc(configureServer), tempDir());
  const accepted = nextEvent(server, 'connect');
  const clientIpc = freshIpc(configureClient);
  UNIX.connect(clientIpc, 'world', server);
  const client = clientIpc.of.world as Client;
  const [[socket]] = await Promise.all([accepted, nextEvent(client, 'connect')]);
  return { server, client, socket: socket as Socket, clientIpc };
}

const advanced: Configure = (config) => { config.serialization = 'advanced'; };

describe('advanced serialization under node-ipc 14 profiles', () => {
  it('guarded: refuses reserved and prototype names on send; a received one is refused before its payload is read', async () => {
    const guarded: Configure = (config) => {
      config.serialization = 'advanced';
      config.parser = 'guarded';
      config.maxMessageSize = 64 * 1024;
    };
    const { server, client } = await pair(guarded);
    expect(() => client.emit('connect', new Map())).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_RESERVED_EVENT');
    expect(() => client.emit('__proto__', 1n)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_INVALID_EVENT');
    expect(() => client.emit('big', Buffer.alloc(65 * 1024))).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_FRAME_TOO_LARGE');
    const ok = nextEvent(server, 'ok');
    client.emit('ok', new Set([1]));
    expect((await ok)[0]).toEqual(new Set([1]));
    // A raw peer names its frame 'error' and follows it with bytes V8 would refuse: the name decides.
    const raw = await rawPeer(server);
    raw.on('error', () => undefined);
    const refused = nextEvent(server, 'error');
    raw.write(frameOf(v8Body('error', Buffer.from([0x5c, 0x5c, 0x5c]))));
    expect(((await refused)[0] as IpcError).code).toBe('ERR_IPC_RESERVED_EVENT');
    await closedWithin(raw);
  });

  it('guarded: maxMessageSize counts the bytes a message leaves in, characters past U+00FF included', async () => {
    const guarded: Configure = (config) => {
      config.serialization = 'advanced';
      config.parser = 'guarded';
      config.maxMessageSize = 100;
    };
    const { server, client } = await pair(guarded);
    // 81 characters in its frame, 141 bytes once its 30 emoji are UTF-8.
    expect(() => client.emit('w', '😀'.repeat(30))).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_FRAME_TOO_LARGE');
    // 81 bytes: Latin-1 writes é as one.
    const fits = nextEvent(server, 'w');
    client.emit('w', 'é'.repeat(60));
    expect((await fits)[0]).toBe('é'.repeat(60));
  });

  it('assured: only allowedEvents cross, both ways, requests included', async () => {
    const root = tempDir();
    const assured: Configure = (config) => {
      config.serialization = 'advanced';
      config.parser = 'assured';
      config.allowedEvents = ['ok', 'add', 'ipc.reply'];
      config.socketRoot = `${root}/`;
    };
    const serverIpc = freshIpc(assured);
    serverIpc.serve(join(root, 's.sock'));
    const server = await started(serverIpc.server);
    server.handle('add', ({ a, b }: { a: bigint; b: bigint }) => a + b);
    const clientIpc = freshIpc(assured);
    clientIpc.connectTo('world', server.path);
    const client = clientIpc.of.world as Client;
    await nextEvent(client, 'connect');
    expect(await client.request('add', { a: 2n, b: 3n })).toBe(5n);
    expect(() => client.emit('secret', 1)).toThrowMatching((e: IpcError) => e.code === 'ERR_IPC_EVENT_NOT_ALLOWED');
    const raw = await rawPeer(server);
    raw.on('error', () => undefined);
    const refused = nextEvent(server, 'error');
    raw.write(frameOf(v8Body('secret.unlisted', Buffer.from([0x5c]))));
    const [err] = await refused;
    expect(err.code).toBe('ERR_IPC_EVENT_NOT_ALLOWED');
    expect(err.message).not.toContain('secret');
    await closedWithin(raw);
  });
});

describe('advanced serialization: limits and backpressure', () => {
  it('maxMessageSize: a client refuses a larger frame from the server by its header and does not reconnect past maxRetries', async () => {
    const { server, client, socket } = await pair(advanced, (config) => {
      advanced(config);
      config.maxMessageSize = 1000;
      config.maxRetries = 0;
    });
    const error = nextEvent(client, 'error');
    const destroyed = nextEvent(client, 'destroy');
    server.emit(socket, 'big', Buffer.alloc(1001));
    const [err] = await error;
    expect(err.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
    await destroyed;
  });

  it('emit returns false past the high-water mark, drain follows, and every message arrives in order', async () => {
    const { server, client } = await pair(advanced);
    const got = collectEvents(server, 'chunk', 8, 8000);
    let refused = 0;
    for (let i = 0; i < 8; i++) if (!client.emit('chunk', { i, bytes: Buffer.alloc(MIB, i) })) refused++;
    expect(refused).toBeGreaterThan(0);
    await nextEvent(client, 'drain');
    const arrived = (await got).map(([data]) => data as { i: number; bytes: Buffer });
    expect(arrived.map((d) => d.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(arrived.every((d) => Buffer.isBuffer(d.bytes) && d.bytes.length === MIB && d.bytes[MIB - 1] === d.i)).toBeTrue();
  });

  it('maxPendingBytes closes a connection whose peer does not keep up, with ERR_IPC_BACKPRESSURE once', async () => {
    const { server, socket } = await pair((config) => {
      advanced(config);
      config.maxPendingBytes = 2 * MIB;
    }, advanced);
    expectErrors(server, 'ERR_IPC_BACKPRESSURE');
    const error = nextEvent(server, 'error');
    const closed = nextEvent(server, 'socket.disconnected');
    for (let i = 0; i < 4; i++) server.emit(socket, 'flood', Buffer.alloc(MIB));
    expect(((await error)[0] as IpcError).code).toBe('ERR_IPC_BACKPRESSURE');
    await closed;
  });

  it('a graceful close delivers what was emitted just before it: a client disconnect and a server stop', async () => {
    const { server, client, clientIpc } = await pair(advanced);
    const atServer = collectEvents(server, 'm', 3, 8000);
    client.emit('m', new Map([['a', 1n]]));
    client.emit('m', Buffer.alloc(8 * MIB, 1));
    client.emit('m', undefined);
    clientIpc.disconnect('world');
    const [[map], [big], [none]] = (await atServer) as unknown[][] as [[unknown], [unknown], [unknown]];
    expect(map).toEqual(new Map([['a', 1n]]));
    expect((big as Buffer).length).toBe(8 * MIB);
    expect(none).toBeUndefined();
    const second = await pair(advanced);
    const atClient = collectEvents(second.client, 'm', 2, 8000);
    second.server.emit(second.socket, 'm', new Date(5));
    second.server.broadcast('m', [1, , 3]); // eslint-disable-line no-sparse-arrays
    second.server.stop();
    const [[date], [sparse]] = (await atClient) as unknown[][] as [[unknown], [unknown]];
    expect(date).toEqual(new Date(5));
    expect(1 in (sparse as unknown[])).toBeFalse();
  });
});
