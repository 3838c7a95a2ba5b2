/**
 * The async API's requests, both directions, over unix, tcp and tls: replies, every error code,
 * timeouts, abort, drops (never re-sent), many in flight with replies in any order, bounds
 * (no map entries or timers left), and the argument checks that throw at once.
 */
import type { Socket } from 'node:net';
import { AbortError } from '../../src/async/options';
import type { Client } from '../../src/client';
import { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { HARD_TRANSPORTS, type HardTransport } from '../helpers/hardening';
import { freshIpc, nextEvent, rejection, started, tempDir, watchTimers } from '../helpers/support';

interface Pair {
  serverIpc: IPCModule;
  server: Server;
  clientIpc: IPCModule;
  client: Client;
  /** The server's socket of the client. */
  socket: Socket;
}

async function pair(transport: HardTransport, configure?: (config: IPCModule['config']) => void): Promise<Pair> {
  const dir = tempDir();
  const serverIpc = freshIpc(configure);
  const server = await transport.serve(serverIpc, dir);
  const clientIpc = freshIpc((config) => {
    config.maxRetries = 0;
    configure?.(config);
  });
  const accepted = nextEvent(server, 'connect');
  transport.connect(clientIpc, 'world', server);
  const client = clientIpc.of.world as Client;
  await client.ready({ timeout: 4000 });
  const [socket] = (await accepted) as [Socket];
  return { serverIpc, server, clientIpc, client, socket };
}


function expectCode(err: unknown, code: string, fragment: string): void {
  expect(err).toBeInstanceOf(IpcError);
  expect((err as IpcError).code).toBe(code);
  expect((err as IpcError).message).toContain(fragment);
}

for (const transport of HARD_TRANSPORTS) {
  describe(`async requests (${transport.name})`, () => {
    it('client -> server: resolves with the handler value, sync or async', async () => {
      const { server, client } = await pair(transport);
      server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
      server.handle('later', async (text: string) => {
        await new Promise((resolve) => setImmediate(resolve));
        return `${text}!`;
      });
      expect(await client.request('add', { a: 1, b: 2 })).toBe(3);
      expect(await client.request('later', 'hi')).toBe('hi!');
    });

    it('carries null, false, 0, arrays and undefined back as themselves', async () => {
      const { server, client } = await pair(transport);
      server.handle('echo', (data: unknown) => data);
      for (const value of [null, false, 0, '', [1, 'two'], { nested: { ok: true } }]) {
        expect(await client.request('echo', value)).toEqual(value);
      }
      expect(await client.request('echo')).toBeUndefined();
    });

    it('the handler gets the socket, and the request leaves socket.id alone', async () => {
      const { server, client, socket } = await pair(transport);
      let seen: unknown;
      server.handle('who', (_data: unknown, from: Socket) => {
        seen = from;
        return 'you';
      });
      expect(await client.request('who', { id: 'not-an-announcement' })).toBe('you');
      expect(seen).toBe(socket);
      expect((socket as { id?: unknown }).id).toBeUndefined();
    });

    it('server -> client: request(socket, ...) resolves with the client handler value', async () => {
      const { server, client, socket } = await pair(transport);
      client.handle('status', (detail: { verbose: boolean }) => Promise.resolve({ up: true, verbose: detail.verbose }));
      expect(await server.request(socket, 'status', { verbose: true })).toEqual({ up: true, verbose: true });
    });

    it('many in flight on one connection, replies in any order, each to its own request', async () => {
      const { server, client } = await pair(transport);
      server.handle('delay', async (n: number) => {
        // Later requests answer first.
        for (let i = 0; i < 20 - n; i++) await new Promise((resolve) => setImmediate(resolve));
        return n * 10;
      });
      const replies = await Promise.all(Array.from({ length: 20 }, (_, n) => client.request('delay', n)));
      expect(replies).toEqual(Array.from({ length: 20 }, (_, n) => n * 10));
    });

    it('10,000 in flight complete; no map entries or timers are left after', async () => {
      const { server, client, socket } = await pair(transport);
      const timers = watchTimers();
      server.handle('inc', (n: number) => n + 1);
      client.handle('dec', (n: number) => n - 1);
      const ups = Array.from({ length: 10000 }, (_, n) => client.request('inc', n, { timeout: 30000 }));
      expect(client.pendingRequests).toBe(10000);
      const downs = Array.from({ length: 10000 }, (_, n) => server.request(socket, 'dec', n, { timeout: 30000 }));
      const [up, down] = await Promise.all([Promise.all(ups), Promise.all(downs)]);
      expect(up[9999]).toBe(10000);
      expect(down[0]).toBe(-1);
      expect(up.every((v, n) => v === n + 1)).toBeTrue();
      expect(client.pendingRequests).toBe(0);
      expect(server.pendingRequests(socket)).toBe(0);
      expect(timers.live()).toBe(0);
    });

    it('ERR_IPC_REMOTE carries name, message and code, never the stack by default', async () => {
      const { server, client } = await pair(transport);
      server.handle('boom', () => {
        throw Object.assign(new RangeError('out of range'), { code: 'E_RANGE' });
      });
      server.handle('reject', () => Promise.reject(new Error('rejected')));
      server.handle('stack', () => {
        throw new Error('with stack');
      }, { exposeStack: true });
      const err = await rejection(client.request('boom'));
      expectCode(err, 'ERR_IPC_REMOTE', 'out of range');
      expect(err.remote).toEqual({ name: 'RangeError', message: 'out of range', code: 'E_RANGE' });
      expect(err.stack).not.toContain('E_RANGE');
      const rejected = await rejection(client.request('reject'));
      expectCode(rejected, 'ERR_IPC_REMOTE', 'rejected');
      const stacked = await rejection(client.request('stack'));
      expect(stacked.remote.stack).toContain('with stack');
    });

    it('a thrown non-Error and an unsendable result reach the requester as ERR_IPC_REMOTE', async () => {
      const { server, client } = await pair(transport);
      server.handle('string', () => {
        throw 'plain string'; // eslint-disable-line @typescript-eslint/only-throw-error -- what careless handlers do
      });
      server.handle('cycle', () => {
        const cycle: Record<string, unknown> = {};
        cycle.self = cycle;
        return cycle;
      });
      expectCode(await rejection(client.request('string')), 'ERR_IPC_REMOTE', 'plain string');
      const cycle = await rejection(client.request('cycle'));
      expectCode(cycle, 'ERR_IPC_REMOTE', 'circular');
      expect(cycle.remote.name).toBe('TypeError');
    });

    it('ERR_IPC_NO_HANDLER from a peer that handles other types, both directions', async () => {
      const { server, client, socket } = await pair(transport);
      server.handle('known', () => 1);
      client.handle('known', () => 2);
      expectCode(await rejection(client.request('unknown')), 'ERR_IPC_NO_HANDLER', '"unknown"');
      expectCode(await rejection(server.request(socket, 'unknown')), 'ERR_IPC_NO_HANDLER', '"unknown"');
    });

    it('a removed handler stops answering; handle() can then register again', async () => {
      const { server, client } = await pair(transport);
      server.handle('other', () => 0);
      const remove = server.handle('v', () => 1);
      expect(await client.request('v')).toBe(1);
      remove();
      remove(); // idempotent
      expectCode(await rejection(client.request('v')), 'ERR_IPC_NO_HANDLER', '"v"');
      server.handle('v', () => 2);
      expect(await client.request('v')).toBe(2);
    });

    it('ERR_IPC_TIMEOUT, and a late reply afterwards is ignored', async () => {
      const { server, client } = await pair(transport);
      const timers = watchTimers();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const answered = nextEvent(server, 'slow');
      server.handle('slow', async () => {
        await released;
        return 'late';
      });
      const err = await rejection(client.request('slow', undefined, { timeout: 30 }));
      expectCode(err, 'ERR_IPC_TIMEOUT', '30 ms');
      await answered;
      const lateReply = nextEvent(client, 'ipc.reply');
      release();
      await lateReply;
      expect(client.pendingRequests).toBe(0);
      expect(timers.live()).toBe(0);
      server.handle('fast', () => 'ok');
      expect(await client.request('fast', undefined, { timeout: 2000 })).toBe('ok');
    });

    it('abort: rejects with an AbortError whose cause is the reason, before or while waiting', async () => {
      const { server, client } = await pair(transport);
      server.handle('never', () => new Promise(() => undefined));
      const reason = new Error('user left');
      const already = await rejection(client.request('never', undefined, { signal: AbortSignal.abort(reason) }));
      expect(already).toBeInstanceOf(AbortError);
      expect(already.name).toBe('AbortError');
      expect(already.code).toBe('ABORT_ERR');
      expect(already.cause).toBe(reason);
      const controller = new AbortController();
      const waiting = client.request('never', undefined, { signal: controller.signal });
      await nextEvent(server, 'never');
      controller.abort('stop');
      const err = await rejection(waiting);
      expect(err).toBeInstanceOf(AbortError);
      expect(err.cause).toBe('stop');
      expect(client.pendingRequests).toBe(0);
    });

    it('ERR_IPC_DISCONNECTED when the connection drops; never re-sent after a reconnect', async () => {
      const dir = tempDir();
      const serverIpc = freshIpc();
      const server = await transport.serve(serverIpc, dir);
      let calls = 0;
      server.handle('hang', () => {
        calls++;
        return new Promise(() => undefined);
      });
      const clientIpc = freshIpc((config) => {
        config.maxRetries = 5;
      });
      transport.connect(clientIpc, 'world', server);
      const client = clientIpc.of.world as Client;
      await client.ready();
      const waiting = client.request('hang');
      await nextEvent(server, 'hang');
      // The server drops this client; the client reconnects.
      (server.sockets[0] as Socket).destroy();
      const err = await rejection(waiting);
      expectCode(err, 'ERR_IPC_DISCONNECTED', '"hang"');
      await nextEvent(client, 'connect');
      server.handle('count', () => calls);
      expect(await client.request('count')).toBe(1);
    });

    it('the server side sees ERR_IPC_DISCONNECTED when its client leaves', async () => {
      const { server, client, socket, clientIpc } = await pair(transport);
      client.handle('hang', () => new Promise(() => undefined));
      const waiting = server.request(socket, 'hang');
      await nextEvent(client, 'hang');
      clientIpc.disconnect('world');
      expectCode(await rejection(waiting), 'ERR_IPC_DISCONNECTED', '"hang"');
      expect(server.pendingRequests(socket)).toBe(0);
    });

    it('ERR_IPC_NOT_CONNECTED when not connected (nothing is queued)', async () => {
      const { server, client, clientIpc, socket } = await pair(transport);
      clientIpc.disconnect('world');
      expectCode(await rejection(client.request('x')), 'ERR_IPC_NOT_CONNECTED', 'not connected');
      await nextEvent(server, 'socket.disconnected');
      expectCode(await rejection(server.request(socket, 'x')), 'ERR_IPC_NOT_CONNECTED', 'not a connected client');
    });

    it('old-style listeners see a request as an ordinary event; the reply as ipc.reply', async () => {
      const { server, client } = await pair(transport);
      server.handle('add', ({ a, b }: { a: number; b: number }) => a + b);
      const heard = nextEvent(server, 'add');
      const replied = nextEvent(client, 'ipc.reply');
      expect(await client.request('add', { a: 2, b: 3 })).toBe(5);
      const [[envelope], [reply]] = await Promise.all([heard, replied]);
      expect(envelope).toEqual({ request: jasmine.any(Number), data: { a: 2, b: 3 } });
      expect(reply).toEqual({ reply: envelope.request, data: 5 });
    });
  });
}

describe('async requests: argument checks and modes', () => {
  let ipc: IPCModule;
  let server: Server;
  let client: Client;

  beforeEach(async () => {
    ipc = freshIpc((config) => {
      config.maxRetries = 0;
    });
    ipc.serveNet('127.0.0.1', 0);
    server = await started(ipc.server);
    ipc.connectToNet('c', '127.0.0.1', server.port as number);
    client = ipc.of.c as Client;
    await client.ready();
  });

  it('throws TypeError at once for a bad type, handler, timeout or signal', () => {
    const c = client as Client<any, any>;
    expect(() => c.request('' as string)).toThrowMatching((e: any) => e instanceof TypeError && (e as { code?: string }).code === 'ERR_INVALID_ARG_TYPE' && /"type"/.test(e.message));
    expect(() => c.request('x', 1, { timeout: -1 })).toThrowMatching((e: any) => e instanceof TypeError && /"options.timeout"/.test(e.message));
    expect(() => c.request('x', 1, { timeout: Number.NaN })).toThrowError(TypeError, /options.timeout/);
    expect(() => c.request('x', 1, { signal: {} as AbortSignal })).toThrowError(TypeError, /options.signal/);
    expect(() => c.handle('x', 'not a function' as never)).toThrowError(TypeError, /"handler"/);
    expect(() => server.handle('x', undefined as never)).toThrowError(TypeError, /"handler"/);
    expect(() => server.request(null as never, 'x')).toThrowError(TypeError, /"socket"/);
    expect(() => c.ready({ timeout: -5 })).toThrowError(TypeError, /options.timeout/);
    expect(() => c.messages('x', { highWaterMark: 0 })).toThrowError(TypeError, /highWaterMark/);
  });

  it('a local publish() of a request-shaped message runs the handler and sends nothing', () => {
    let calls = 0;
    server.handle('add', () => ++calls);
    expect(() => server.publish('add', { request: 1, data: null })).not.toThrow();
    expect(() => server.publish('unhandled', { request: 2 })).not.toThrow();
    expect(calls).toBe(1);
  });

  it('a second handle() for the same type throws ERR_IPC_HANDLER_EXISTS', () => {
    server.handle('dup', () => 1);
    expect(() => server.handle('dup', () => 2)).toThrowMatching((e: any) => e instanceof IpcError && e.code === 'ERR_IPC_HANDLER_EXISTS');
    client.handle('dup', () => 1);
    expect(() => client.handle('dup', () => 2)).toThrowMatching((e: any) => e instanceof IpcError && e.code === 'ERR_IPC_HANDLER_EXISTS');
  });

  it('raw mode: request, handle and messages throw ERR_IPC_UNSUPPORTED', () => {
    ipc.config.rawBuffer = true;
    const raw = (e: any): boolean => e instanceof IpcError && e.code === 'ERR_IPC_UNSUPPORTED' && /rawBuffer/.test(e.message);
    expect(() => client.request('x')).toThrowMatching(raw);
    expect(() => client.handle('x', () => 1)).toThrowMatching(raw);
    expect(() => client.messages('x')).toThrowMatching(raw);
    expect(() => server.request(server.sockets[0] as Socket, 'x')).toThrowMatching(raw);
    expect(() => server.handle('x', () => 1)).toThrowMatching(raw);
    expect(() => server.messages('x')).toThrowMatching(raw);
  });

  it('UDP: request and handle throw ERR_IPC_UNSUPPORTED (loss and duplication)', async () => {
    const udp = freshIpc();
    udp.serveNet('127.0.0.1', 0, 'udp4');
    const udpServer = await started(udp.server);
    const unsupported = (e: any): boolean => e instanceof IpcError && e.code === 'ERR_IPC_UNSUPPORTED' && /UDP/.test(e.message);
    expect(() => udpServer.request({ address: '127.0.0.1', port: 9 } as never, 'x')).toThrowMatching(unsupported);
    expect(() => udpServer.handle('x', () => 1)).toThrowMatching(unsupported);
  });
});
