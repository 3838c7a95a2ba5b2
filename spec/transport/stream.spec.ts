/**
 * One suite over every stream transport (Unix socket and TCP): events, data, retries,
 * sync and raw mode, limits and lifecycle, all over real sockets.
 */
import { existsSync } from 'node:fs';
import { connect as netConnect, type Server as NetServer, type Socket } from 'node:net';
import { IpcError } from '../../src/errors';
import type { Server } from '../../src/server';
import { STREAM_TRANSPORTS, collectEvents, expectErrors, freshIpc, nextEvent, started, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';

const PAYLOADS: Array<[string, unknown]> = [
  ['a nested object', { a: { b: [1, { c: 'd' }] }, n: null, t: true }],
  ['unicode text', 'héllo wörld ✓ 𝄞 日本語 😀'],
  ['numbers', [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER, -0.000001]],
  ['an empty array', []],
  ['false', false],
  ['zero', 0],
];

for (const transport of STREAM_TRANSPORTS) {
  describe(`${transport.name} transport`, () => {
    async function pair(configure?: Parameters<typeof freshIpc>[0]) {
      const dir = tempDir();
      const serverIpc = freshIpc(configure);
      const server = await transport.serve(serverIpc, dir);
      const clientIpc = freshIpc(configure);
      const serverConnect = nextEvent(server, 'connect');
      transport.connect(clientIpc, 'srv', server);
      const client = clientIpc.of.srv!;
      await nextEvent(client, 'connect');
      const [socket] = (await serverConnect) as [Socket];
      return { dir, serverIpc, server, clientIpc, client, socket };
    }

    for (const [name, data] of PAYLOADS) {
      it(`carries ${name} both ways unchanged`, async () => {
        const { server, client } = await pair();
        server.on('ping', (d: unknown, socket: Socket) => server.emit(socket, 'pong', d));
        const pong = nextEvent(client, 'pong');
        client.emit('ping', data);
        expect((await pong)[0]).toEqual(data);
      });
    }

    it('sends undefined, null and empty string as {} (as node-ipc does)', async () => {
      const { server, client } = await pair();
      const got = collectEvents(server, 'm', 3);
      client.emit('m', undefined);
      client.emit('m', null);
      client.emit('m', '');
      expect((await got).map((args) => args[0])).toEqual([{}, {}, {}]);
    });

    it('carries a 1 MiB message and a burst of 5000 in order', async () => {
      const { server, client } = await pair();
      const big = 'x'.repeat(1024 * 1024);
      const bigArrived = nextEvent(server, 'big');
      client.emit('big', { big });
      expect((await bigArrived)[0].big.length).toBe(big.length);
      const burst = collectEvents(server, 'n', 5000, 15000);
      for (let i = 0; i < 5000; i++) client.emit('n', i);
      expect((await burst).map((args) => args[0])).toEqual([...Array(5000).keys()]);
    });

    it('delivers a message emitted before the connection is open', async () => {
      const dir = tempDir();
      const server = await transport.serve(freshIpc(), dir);
      const clientIpc = freshIpc();
      const early = nextEvent(server, 'early');
      transport.connect(clientIpc, 'srv', server, () => {
        clientIpc.of.srv!.emit('early', { first: true });
      });
      expect((await early)[0]).toEqual({ first: true });
    });

    it('reports the closing socket with its announced id on socket.disconnected', async () => {
      const { server, clientIpc, client, socket } = await pair();
      const identified = nextEvent(server, 'hello');
      client.emit('hello', { id: 'client-a' });
      await identified;
      expect((socket as Socket & { id?: string }).id).toBe('client-a');
      expect(server.sockets).toContain(socket);
      const gone = nextEvent(server, 'socket.disconnected');
      clientIpc.disconnect('srv');
      const [closed, id] = await gone;
      expect(closed).toBe(socket);
      expect(id).toBe('client-a');
      expect(server.sockets).not.toContain(socket);
    });

    it('reports false as the id of a socket that never announced one', async () => {
      const { server, clientIpc } = await pair();
      const gone = nextEvent(server, 'socket.disconnected');
      clientIpc.disconnect('srv');
      expect((await gone)[1]).toBe(false);
    });

    it('broadcasts to every connected client', async () => {
      const { server, clientIpc, client } = await pair();
      const second = nextEvent(server, 'connect');
      transport.connect(clientIpc, 'srv2', server);
      await nextEvent(clientIpc.of.srv2!, 'connect');
      await second;
      const a = nextEvent(client, 'news');
      const b = nextEvent(clientIpc.of.srv2!, 'news');
      expect(server.broadcast('news', { n: 1 })).toBe(true);
      expect((await a)[0]).toEqual({ n: 1 });
      expect((await b)[0]).toEqual({ n: 1 });
    });

    it('gives the catch-all every message as (type, data)', async () => {
      const { server, client } = await pair();
      const all = nextEvent(server, '*');
      client.emit('anything', [1]);
      const [type, data, socket] = await all;
      expect(type).toBe('anything');
      expect(data).toEqual([1]);
      expect(socket).toBeDefined();
    });

    it('publishes an error for an invalid frame and keeps the connection', async () => {
      const { server, client } = await pair();
      // Two bad frames: exactly one error each.
      const errors = collectEvents(server, 'error', 2);
      const raw = await rawPeer(server);
      raw.write('this is not json\f{"no":"type"}\f{"type":"ok","data":1}\f');
      const [[err], [err2]] = (await errors) as [[any], [any]];
      expect(err).toEqual(jasmine.any(IpcError));
      expect(err.code).toBe('ERR_IPC_INVALID_JSON');
      expect(err.message).toContain('Invalid JSON response format');
      expect(err2.code).toBe('ERR_IPC_INVALID_EVENT');
      expect(err2.message).toContain('Invalid message format');
      const ok = nextEvent(server, 'ok');
      client.emit('ok', 2);
      expect((await ok)[0]).toBe(2);
    });

    it('closes a connection whose frame passes maxMessageSize, with ERR_IPC_FRAME_TOO_LARGE', async () => {
      const { server } = await pair((config) => { config.maxMessageSize = 1024; });
      const raw = await rawPeer(server);
      const error = nextEvent(server, 'error');
      const closed = new Promise((resolve) => raw.once('close', resolve));
      raw.write(Buffer.alloc(4096, 'a'));
      const [err] = await error;
      expect(err.code).toBe('ERR_IPC_FRAME_TOO_LARGE');
      expect(err.message).toContain('maxMessageSize');
      await closed;
    });

    it('stops: closes every client connection, is idempotent, and frees the address', async () => {
      const { server, client } = await pair((config) => { config.maxRetries = 0; });
      const destroyed = nextEvent(client, 'destroy');
      const disconnected = nextEvent(client, 'disconnect');
      // The close is graceful: the server's socket closes once the client answered its FIN.
      const socketClosed = nextEvent(server, 'socket.disconnected');
      server.stop();
      server.stop();
      await disconnected;
      await destroyed;
      await socketClosed;
      expect(server.sockets.length).toBe(0);
      if (transport.name === 'unix') expect(existsSync(server.path)).toBe(false);
    });

    it('reconnects after the server comes back, and resets its retry budget', async () => {
      const { dir, serverIpc, server, client } = await pair((config) => { config.maxRetries = 50; config.retry = 20; });
      const port = server.port;
      const dropped = nextEvent(client, 'disconnect');
      server.stop();
      await dropped;
      expect(client.retriesRemaining).toBe(50);
      // a new server on the same address
      const reconnected = nextEvent(client, 'connect');
      if (transport.name === 'unix') serverIpc.serve(server.path);
      else serverIpc.serveNet('127.0.0.1', port as number);
      const restarted = serverIpc.server;
      restarted.start();
      await reconnected;
      expect(client.retriesRemaining).toBe(50);
      const msg = nextEvent(restarted, 'again');
      client.emit('again', 'yes');
      expect((await msg)[0]).toBe('yes');
      expect(dir).toBeTruthy();
    });

    it('keeps messages emitted while disconnected and sends them after reconnecting', async () => {
      const { serverIpc, server, client } = await pair((config) => { config.retry = 30; });
      const port = server.port;
      const dropped = nextEvent(client, 'disconnect');
      server.stop();
      await dropped;
      client.emit('queued', 1);
      client.emit('queued', 2);
      if (transport.name === 'unix') serverIpc.serve(server.path);
      else serverIpc.serveNet('127.0.0.1', port as number);
      const restarted = serverIpc.server;
      const got = collectEvents(restarted, 'queued', 2);
      restarted.start();
      expect((await got).map((a) => a[0])).toEqual([1, 2]);
    });

    it('gives up after maxRetries failed attempts: error per attempt, then disconnect and destroy', async () => {
      const { server, client } = await pair((config) => { config.maxRetries = 2; config.retry = 10; });
      // Each retry against the stopped server fails to connect: counted below.
      expectErrors(client, 'ECONNREFUSED', 'ENOENT');
      const events: string[] = [];
      client.on('*', (type: string) => events.push(type));
      const destroyed = nextEvent(client, 'destroy');
      server.stop();
      await destroyed;
      expect(events.filter((e) => e === 'disconnect').length).toBe(3);
      expect(events.filter((e) => e === 'error').length).toBe(2);
      expect(events[events.length - 1]).toBe('destroy');
      expect(client.destroyed).toBe(true);
      const notConnected = nextEvent(client, 'error');
      expect(client.emit('late', 1)).toBe(false);
      expect((await notConnected)[0].code).toBe('ERR_IPC_NOT_CONNECTED');
    });

    it('stopRetrying: true ends retrying at once', async () => {
      const { clientIpc, server, client } = await pair();
      clientIpc.config.stopRetrying = true;
      const destroyed = nextEvent(client, 'destroy');
      server.stop();
      await destroyed;
      expect(client.destroyed).toBe(true);
    });

    it('ipc.disconnect during a pending retry cancels it and publishes destroy', async () => {
      const { server, clientIpc, client } = await pair((config) => { config.retry = 60_000; });
      const dropped = nextEvent(client, 'disconnect');
      server.stop();
      await dropped;
      const destroyed = nextEvent(client, 'destroy');
      const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timers();
      clientIpc.disconnect('srv');
      // The 60 s retry timer is gone at once.
      expect(timers()).toBe(before - 1);
      await destroyed;
      expect(clientIpc.of.srv).toBeUndefined();
    });

    it('connectTo with a live id just calls back, without a second connection', async () => {
      const { server, clientIpc, client } = await pair();
      const cb = jasmine.createSpy('cb');
      transport.connect(clientIpc, 'srv', server, cb);
      expect(cb).toHaveBeenCalledTimes(1);
      expect(clientIpc.of.srv).toBe(client);
      expect(server.sockets.length).toBe(1);
    });

    it('sync mode: one message in flight until the server answers', async () => {
      const { server, client } = await pair((config) => { config.sync = true; });
      const seen: number[] = [];
      const sockets: Socket[] = [];
      server.on('req', (n: number, socket: Socket) => { seen.push(n); sockets.push(socket); });
      const first = nextEvent(server, 'req');
      client.emit('req', 1);
      client.emit('req', 2);
      client.emit('req', 3);
      await first;
      expect(client.queue.length).toBe(2);
      expect(seen).toEqual([1]);
      const second = nextEvent(server, 'req');
      server.emit(sockets[0]!, 'ack', 1);
      await second;
      expect(seen).toEqual([1, 2]);
      const third = nextEvent(server, 'req');
      server.emit(sockets[0]!, 'ack', 2);
      await third;
      expect(seen).toEqual([1, 2, 3]);
      expect(client.queue.length).toBe(0);
    });

    it('publishes drain after emit returned false', async () => {
      const { server, client } = await pair();
      let ok = true;
      let sent = 0;
      const payload = 'y'.repeat(64 * 1024);
      while (ok && sent < 1000) {
        ok = client.emit('bulk', payload);
        sent++;
      }
      expect(ok).toBe(false);
      const received = collectEvents(server, 'bulk', sent, 15000);
      await nextEvent(client, 'drain');
      expect((await received).length).toBe(sent);
    });

    it('hands a batch to a socket with unsent bytes as bytes, and loses or reorders nothing', async () => {
      const { server, client, socket } = await pair();
      socket.pause(); // the server reads nothing: the client's unsent bytes pile up
      const clientSocket = client.socket as Socket;
      const kinds: string[] = [];
      const write = clientSocket.write;
      clientSocket.write = function spy(this: Socket, chunk: unknown, ...rest: unknown[]) {
        kinds.push(typeof chunk === 'string' ? 'text' : 'bytes');
        return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      };
      // One batch per turn until the kernel's buffer is full and two more batches met unsent bytes.
      let total = 0;
      let afterFull = 0;
      while (afterFull < 2 && total < 2000) {
        if (clientSocket.writableLength > 0) afterFull++;
        client.emit('m', { i: total++, text: 'é€😀'.repeat(8 * 1024) });
        await new Promise((next) => setImmediate(next));
      }
      expect(afterFull).toBe(2);
      const received = collectEvents(server, 'm', total, 15000);
      expect(kinds[0]).toBe('text'); // the first batch met an empty queue
      expect(kinds.slice(-2)).toEqual(['bytes', 'bytes']);
      socket.resume();
      const got = (await received).map(([data]) => data as { i: number; text: string });
      expect(got.map((d) => d.i)).toEqual([...Array(total).keys()]);
      expect(got.every((d) => d.text === 'é€😀'.repeat(8 * 1024))).toBe(true);
    });

    describe('in raw mode', () => {
      it('carries every byte value, the delimiter and NUL included, exactly', async () => {
        const { server, client } = await pair((config) => { config.rawBuffer = true; });
        const bytes = Buffer.from([...Array(256).keys(), 12, 0, 255, 0xc3]);
        const chunks: Buffer[] = [];
        let total = 0;
        const all = new Promise<void>((resolve) => {
          server.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            total += chunk.length;
            if (total >= bytes.length) resolve();
          });
        });
        client.emit(bytes);
        await all;
        expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      });

      it('writes strings in config.encoding, byte arrays, Buffers and typed arrays in order', async () => {
        const { server, client, socket } = await pair((config) => { config.rawBuffer = true; config.encoding = 'hex'; });
        const received: Buffer[] = [];
        let total = 0;
        const all = new Promise<void>((resolve) => {
          client.on('data', (chunk: Buffer) => {
            received.push(chunk);
            total += chunk.length;
            if (total >= 9) resolve();
          });
        });
        server.emit(socket, '0a0b');
        server.emit(socket, [0x05, 0x6d]);
        server.emit(socket, Buffer.from([1, 2]));
        server.emit(socket, new Uint8Array([3, 4, 5]));
        await all;
        expect([...Buffer.concat(received)]).toEqual([0x0a, 0x0b, 0x05, 0x6d, 1, 2, 3, 4, 5]);
      });

      it('sends what a buffer held at emit, though the caller reuses it at once (client, server, broadcast)', async () => {
        const { server, client, socket } = await pair((config) => { config.rawBuffer = true; });
        const reused = Buffer.alloc(8);
        const atServer = bytesUntil(server, 16);
        reused.fill(1);
        client.emit(reused);
        reused.fill(2);
        client.emit(reused);
        reused.fill(0);
        expect([...(await atServer)]).toEqual([...Buffer.alloc(8, 1), ...Buffer.alloc(8, 2)]);
        const atClient = bytesUntil(client, 16);
        reused.fill(3);
        server.emit(socket, reused);
        reused.fill(4);
        server.broadcast(reused);
        reused.fill(0);
        expect([...(await atClient)]).toEqual([...Buffer.alloc(8, 3), ...Buffer.alloc(8, 4)]);
      });

      it('keeps a copy of a buffer emitted before the connection opens', async () => {
        const dir = tempDir();
        const server = await transport.serve(freshIpc((config) => { config.rawBuffer = true; }), dir);
        const clientIpc = freshIpc((config) => { config.rawBuffer = true; });
        transport.connect(clientIpc, 'srv', server);
        const client = clientIpc.of.srv!;
        const atServer = bytesUntil(server, 4);
        const reused = Buffer.from([5, 6, 7, 8]);
        client.emit(reused);
        reused.fill(0);
        expect([...(await atServer)]).toEqual([5, 6, 7, 8]);
      });

      it('keeps a copy of a buffer waiting in the sync queue', async () => {
        const { server, client } = await pair((config) => { config.rawBuffer = true; config.sync = true; });
        const received: number[] = [];
        const both = new Promise<void>((resolve) => {
          server.on('data', (chunk: Buffer, from: Socket) => {
            received.push(...chunk);
            server.emit(from, Buffer.from('k'));
            if (received.length >= 2) resolve();
          });
        });
        const reused = Buffer.from([1]);
        client.emit(reused);
        reused[0] = 2;
        client.emit(reused); // waits in the queue for the reply to the first
        reused[0] = 0;
        await both;
        expect(received).toEqual([1, 2]);
      });

      it('refuses a value that has no bytes with a TypeError', async () => {
        const { client } = await pair((config) => { config.rawBuffer = true; });
        expect(() => client.emit(42)).toThrowError(TypeError, /"data" argument/);
      });
    });
  });
}

/** The first `count` bytes `target` publishes as `data`. */
function bytesUntil(target: { on(type: 'data', handler: (chunk: Buffer) => void): unknown }, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  return new Promise((resolve) => {
    target.on('data', (chunk: Buffer) => {
      chunks.push(Buffer.from(chunk));
      total += chunk.length;
      if (total >= count) resolve(Buffer.concat(chunks).subarray(0, count));
    });
  });
}

/** A bare socket connected to `server`, closed after the spec. */
async function rawPeer(server: Server): Promise<Socket> {
  const socket = server.port === false ? netConnect({ path: server.path }) : netConnect({ host: '127.0.0.1', port: server.port });
  teardown.add(() => socket.destroy());
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

describe('a stream server whose address is taken', () => {
  it('publishes EADDRINUSE and can be started again once the address is free', async () => {
    const first = freshIpc();
    first.serveNet('127.0.0.1', 0);
    const taken = await started(first.server);
    const second = freshIpc();
    second.serveNet('127.0.0.1', taken.port as number);
    const server = second.server;
    const error = nextEvent(server, 'error');
    server.start();
    expect((await error)[0].code).toBe('EADDRINUSE');
    taken.stop();
    await new Promise((resolve) => (taken.server as NetServer).once('close', resolve));
    await started(server);
    expect(server.port).toBe(taken.port);
  });
});

describe('config.interface', () => {
  it('passes localAddress and family (README spelling `interfaces`) to net.connect', async () => {
    const serverIpc = freshIpc();
    serverIpc.serveNet('127.0.0.1', 0);
    const server = await started(serverIpc.server);
    const clientIpc = freshIpc();
    clientIpc.config.interfaces = { localAddress: '127.0.0.1', localPort: false, family: 4, hints: false, lookup: false };
    const lookups: string[] = [];
    clientIpc.config.interface.lookup = ((host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      lookups.push(host);
      if (options.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as never;
    const accepted = nextEvent(server, 'connect');
    clientIpc.connectToNet('srv', 'localhost', server.port as number);
    await nextEvent(clientIpc.of.srv!, 'connect');
    const [socket] = (await accepted) as [Socket];
    expect(socket.remoteAddress).toBe('127.0.0.1');
    expect((clientIpc.of.srv!.socket as Socket).localAddress).toBe('127.0.0.1');
    expect(lookups).toEqual(['localhost']);
  });
});
