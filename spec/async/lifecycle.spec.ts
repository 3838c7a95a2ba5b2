/**
 * The async API's adapters over existing events: `ready()` (client and server), `close()`
 * (client and server, built on the graceful close), `messages()` (order, break, abort,
 * high-water mark, end on close) and `ipc[Symbol.asyncDispose]`.
 */
import { existsSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { disposeIpc } from '../../src/async/dispose';
import { AbortError } from '../../src/async/options';
import type { Client } from '../../src/client';
import { IpcError } from '../../src/errors';
import { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { collectEvents, expectErrors, freshIpc, nextEvent, rejection, started, tempDir } from '../helpers/support';
import { teardown } from '../helpers/teardown';


async function unixPair(configure?: (config: IPCModule['config']) => void): Promise<{ serverIpc: IPCModule; server: Server; clientIpc: IPCModule; client: Client; socket: Socket }> {
  const dir = tempDir();
  const serverIpc = freshIpc(configure);
  serverIpc.serve(join(dir, 's.sock'));
  const server = serverIpc.server;
  server.start();
  await server.ready();
  const clientIpc = freshIpc((config) => {
    config.maxRetries = 0;
    configure?.(config);
  });
  const accepted = nextEvent(server, 'connect');
  clientIpc.connectTo('world', server.path);
  const client = clientIpc.of.world as Client;
  await client.ready();
  const [socket] = (await accepted) as [Socket];
  return { serverIpc, server, clientIpc, client, socket };
}

describe('async: client.ready()', () => {
  it('resolves once connected, and at once when it is', async () => {
    const { client } = await unixPair();
    expect(client.connected).toBeTrue();
    await client.ready();
  });

  it('rejects with ERR_IPC_NOT_CONNECTED (cause: the last error) when the client gives up', async () => {
    const dir = tempDir();
    const ipc = freshIpc((config) => {
      config.maxRetries = 1;
      config.retry = 10;
    });
    ipc.connectTo('nobody', join(dir, 'none.sock'));
    // Each failed attempt publishes its system error, as the event API always did.
    expectErrors(ipc, 'ENOENT');
    const err = await rejection(ipc.of.nobody!.ready());
    expect(err).toBeInstanceOf(IpcError);
    expect(err.code).toBe('ERR_IPC_NOT_CONNECTED');
    expect(err.message).toContain('gave up');
    expect(err.cause.code).toBe('ENOENT');
    // Afterwards: at once.
    expect((await rejection(ipc.of.nobody!.ready())).code).toBe('ERR_IPC_NOT_CONNECTED');
  });

  it('rejects with ERR_IPC_TIMEOUT, or an AbortError, while still retrying', async () => {
    const dir = tempDir();
    const ipc = freshIpc((config) => {
      config.maxRetries = 1000;
      config.retry = 20;
    });
    ipc.connectTo('later', join(dir, 'none.sock'));
    expectErrors(ipc, 'ENOENT'); // each failed attempt, as the event API always did
    const client = ipc.of.later!;
    const timedOut = await rejection(client.ready({ timeout: 40 }));
    expect(timedOut.code).toBe('ERR_IPC_TIMEOUT');
    expect(timedOut.message).toContain('40 ms');
    const controller = new AbortController();
    const waiting = client.ready({ signal: controller.signal });
    controller.abort(new Error('enough'));
    const aborted = await rejection(waiting);
    expect(aborted).toBeInstanceOf(AbortError);
    expect(aborted.cause.message).toBe('enough');
    expect(client.listenerCount('connect')).toBe(0);
  });
});

describe('async: server.ready()', () => {
  it('resolves once listening', async () => {
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0);
    const ready = ipc.server.ready();
    ipc.server.start();
    await ready;
    expect(ipc.server.listening).toBeTrue();
    await ipc.server.ready();
  });

  it('rejects with the listen error (EADDRINUSE)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    teardown.add(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', port);
    expectErrors(ipc, 'EADDRINUSE'); // also published as 'error', as the event API always did
    ipc.server.start();
    const err = await rejection(ipc.server.ready());
    expect(err.code).toBe('EADDRINUSE');
    // The failed server can still be closed.
    await ipc.server.close();
  });

  it('rejects on timeout, on abort, and at once when stopped', async () => {
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0);
    expect((await rejection(ipc.server.ready({ timeout: 10 }))).code).toBe('ERR_IPC_TIMEOUT');
    expect(await rejection(ipc.server.ready({ signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
    ipc.server.stop();
    expect((await rejection(ipc.server.ready())).code).toBe('ERR_IPC_NOT_CONNECTED');
  });
});

describe('async: client.close()', () => {
  it('behaves as ipc.disconnect(id): everything emitted before arrives, ipc.of[id] is removed', async () => {
    const { server, client, clientIpc } = await unixPair();
    const received = collectEvents(server, 'n', 500);
    const closedSeen = nextEvent(server, 'socket.disconnected');
    const events: string[] = [];
    client.on('disconnect', () => events.push('disconnect'));
    client.on('destroy', () => events.push('destroy'));
    for (let i = 0; i < 500; i++) client.emit('n', { i });
    await client.close();
    expect(events).toEqual(['disconnect', 'destroy']);
    expect(clientIpc.of.world).toBeUndefined();
    expect(client.socket !== false && client.socket.destroyed).toBeTrue();
    const all = await received;
    expect(all.map(([data]) => (data as { i: number }).i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await closedSeen;
    await client.close(); // already closed: resolves
  });

  it('does not remove a newer client registered under the same id', async () => {
    const { server, client, clientIpc } = await unixPair();
    clientIpc.disconnect('world');
    clientIpc.connectTo('world', server.path);
    const newer = clientIpc.of.world!;
    await client.close();
    expect(clientIpc.of.world).toBe(newer);
    await newer.ready();
  });

  it('rejects with ERR_IPC_UNSENT when messages never had a connection', async () => {
    const dir = tempDir();
    const ipc = freshIpc((config) => {
      config.maxRetries = 1000;
      config.retry = 20;
    });
    ipc.connectTo('nobody', join(dir, 'none.sock'));
    // Failed attempts and the unsent report are published as 'error' too (the event API).
    expectErrors(ipc, 'ENOENT', 'ERR_IPC_UNSENT');
    const client = ipc.of.nobody!;
    client.emit('lost', 1);
    await nextEvent(client, 'disconnect');
    const err = await rejection(client.close());
    expect(err.code).toBe('ERR_IPC_UNSENT');
    expect(ipc.of.nobody).toBeUndefined();
  });
});

describe('async: close() bounded by closeTimeout', () => {
  it('client.close() rejects with ERR_IPC_CLOSE_TIMEOUT when the server never reads', async () => {
    const dir = tempDir();
    const path = join(dir, 'stuck.sock');
    const stuck: Socket[] = [];
    const peer = createServer((socket) => { socket.pause(); stuck.push(socket); });
    await new Promise<void>((resolve) => peer.listen(path, resolve));
    teardown.add(() => new Promise<void>((resolve) => { for (const s of stuck) s.destroy(); peer.close(() => resolve()); }));
    const ipc = freshIpc((config) => { config.closeTimeout = 100; config.maxRetries = 0; });
    ipc.connectTo('stuck', path);
    expectErrors(ipc, 'ERR_IPC_CLOSE_TIMEOUT'); // also published as 'error' (the event API)
    const client = ipc.of.stuck!;
    await client.ready();
    client.emit('big', 'z'.repeat(8 * 1024 * 1024));
    const err = await rejection(client.close());
    expect(err).toBeInstanceOf(IpcError);
    expect(err.code).toBe('ERR_IPC_CLOSE_TIMEOUT');
    expect(ipc.of.stuck).toBeUndefined();
  });

  it('server.close() rejects with ERR_IPC_CLOSE_TIMEOUT when a client never reads, after releasing everything', async () => {
    const dir = tempDir();
    const ipc = freshIpc((config) => { config.closeTimeout = 100; });
    expectErrors(ipc, 'ERR_IPC_CLOSE_TIMEOUT'); // also published as 'error' (the event API)
    ipc.serve(join(dir, 's.sock'));
    const server = await started(ipc.server);
    const accepted = nextEvent(server, 'connect');
    const reader = connect(server.path);
    teardown.add(() => reader.destroy());
    reader.pause();
    const [socket] = (await accepted) as [Socket];
    server.emit(socket, 'big', 'z'.repeat(8 * 1024 * 1024));
    const err = await rejection(server.close());
    expect(err.code).toBe('ERR_IPC_CLOSE_TIMEOUT');
    expect(server.sockets.length).toBe(0);
    expect(existsSync(server.path)).toBeFalse();
  });
});

describe('async: server.close()', () => {
  it('flushes and closes every client socket and releases the handle before resolving', async () => {
    const { serverIpc, server, client } = await unixPair();
    const path = server.path;
    const other = freshIpc((config) => {
      config.maxRetries = 0;
    });
    other.connectTo('second', path);
    await other.of.second!.ready();
    const got = collectEvents(client, 'bye', 100);
    for (let i = 0; i < 100; i++) server.broadcast('bye', i);
    const destroyed = [nextEvent(client, 'destroy'), nextEvent(other.of.second!, 'destroy')];
    await server.close();
    expect(server.sockets.length).toBe(0);
    expect(existsSync(path)).toBeFalse();
    expect((await got).length).toBe(100);
    await Promise.all(destroyed);
    await serverIpc.server.close(); // again: resolves
  });

  it('releases a TCP port: a new server can listen on it at once', async () => {
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0);
    const server = await started(ipc.server);
    const port = server.port as number;
    const client = freshIpc((config) => {
      config.maxRetries = 0;
    });
    client.connectToNet('c', '127.0.0.1', port);
    await client.of.c!.ready();
    await server.close();
    const again = freshIpc();
    again.serveNet('127.0.0.1', port);
    await started(again.server);
  });

  it('resolves for a server that never started', async () => {
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0);
    await ipc.server.close();
    expect(ipc.server.stopped).toBeTrue();
  });

  it('closes a UDP server', async () => {
    const ipc = freshIpc();
    ipc.serveNet('127.0.0.1', 0, 'udp4');
    const server = await started(ipc.server);
    await server.close();
    expect(() => (server.server as { address(): unknown }).address()).toThrow();
  });
});

describe('async: messages()', () => {
  it('yields every message of the type in order; break removes the listener', async () => {
    const { server, client, socket } = await unixPair();
    const before = client.listenerCount('tick');
    for (let i = 0; i < 50; i++) server.emit(socket, 'tick', i);
    const seen: number[] = [];
    for await (const n of client.messages('tick')) {
      seen.push(n as number);
      if (seen.length === 50) break;
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(client.listenerCount('tick')).toBe(before);
  });

  it('next() calls that do not wait for each other get the messages in order', async () => {
    const { server, client, socket } = await unixPair();
    const iterator = client.messages('n');
    const pending = [iterator.next(), iterator.next(), iterator.next()];
    for (let i = 0; i < 3; i++) server.emit(socket, 'n', i);
    expect((await Promise.all(pending)).map((r) => r.value)).toEqual([0, 1, 2]);
    const last = [iterator.next(), iterator.next()];
    await iterator.return!();
    expect((await Promise.all(last)).map((r) => r.done)).toEqual([true, true]);
  });

  it('server messages yield [data, socket]', async () => {
    const { server, client, socket } = await unixPair();
    client.emit('hello', { from: 'world' });
    const iterator = server.messages('hello');
    const first = await iterator.next();
    expect(first.value).toEqual([{ from: 'world' }, socket]);
    await iterator.return!();
    expect(server.listenerCount('hello')).toBe(0);
  });

  it('a signal ends it with an AbortError and removes the listener', async () => {
    const { client } = await unixPair();
    const controller = new AbortController();
    const iterator = client.messages('never', { signal: controller.signal });
    const waiting = iterator.next();
    controller.abort('done');
    const err = await rejection(waiting);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.cause).toBe('done');
    expect(client.listenerCount('never')).toBe(0);
    expect((await iterator.next()).done).toBeTrue();
    const pre = client.messages('never', { signal: AbortSignal.abort() });
    expect(await rejection(pre.next())).toBeInstanceOf(AbortError);
  });

  it('memory is bounded: past highWaterMark it stops listening, yields what it kept, then ERR_IPC_OVERFLOW', async () => {
    const { server, client, socket } = await unixPair();
    const iterator = client.messages('flood', { highWaterMark: 10 });
    const arrived = collectEvents(client, 'flood', 25);
    for (let i = 0; i < 25; i++) server.emit(socket, 'flood', i);
    await arrived;
    // Our own collector only: the iterator stopped listening at the 11th.
    expect(client.listenerCount('flood')).toBe(0);
    const kept: number[] = [];
    for (;;) {
      try {
        const next = await iterator.next();
        if (next.done) break;
        kept.push(next.value as number);
      } catch (err) {
        expect(err).toBeInstanceOf(IpcError);
        expect((err as IpcError).code).toBe('ERR_IPC_OVERFLOW');
        expect((err as IpcError).message).toContain('highWaterMark (10)');
        break;
      }
    }
    expect(kept).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect((await iterator.next()).done).toBeTrue();
  });

  it('ends (done) when the client closes or the server closes', async () => {
    const { server, client } = await unixPair();
    const onClient = client.messages('x');
    const onServer = server.messages('x');
    const clientNext = onClient.next();
    const serverNext = onServer.next();
    await client.close();
    expect((await clientNext).done).toBeTrue();
    await server.close();
    expect((await serverNext).done).toBeTrue();
  });
});

describe('async: ipc[Symbol.asyncDispose]', () => {
  it('closes the server and every client (await using)', async () => {
    const dir = tempDir();
    const serverIpc = new IPCModule();
    serverIpc.config.silent = true;
    serverIpc.serve(join(dir, 'd.sock'));
    teardown.add(() => serverIpc.server.stop());
    serverIpc.server.start();
    await serverIpc.server.ready();
    const clientIpc = new IPCModule();
    clientIpc.config.silent = true;
    clientIpc.config.maxRetries = 0;
    teardown.add(() => {
      for (const id of Object.keys(clientIpc.of)) clientIpc.disconnect(id);
    });
    clientIpc.connectTo('a', serverIpc.server.path);
    clientIpc.connectTo('b', serverIpc.server.path);
    await Promise.all([clientIpc.of.a!.ready(), clientIpc.of.b!.ready()]);
    const a = clientIpc.of.a!;
    if (typeof Symbol.asyncDispose === 'symbol') {
      await using disposable = clientIpc;
      expect(typeof disposable[Symbol.asyncDispose]).toBe('function');
    } else {
      // Node 18.0-18.17 have no Symbol.asyncDispose (no `await using` either): the same close,
      // by the function the symbol is bound to.
      await disposeIpc(clientIpc);
    }
    expect(Object.keys(clientIpc.of)).toEqual([]);
    expect(a.destroyed).toBeTrue();
    await disposeIpc(serverIpc);
    expect(serverIpc.server.stopped).toBeTrue();
    expect(existsSync(serverIpc.server.path)).toBeFalse();
  });
});
