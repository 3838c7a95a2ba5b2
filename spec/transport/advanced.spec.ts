/**
 * `serialization: 'advanced'` over real sockets: every structured type both ways on unix,
 * tcp and tls, requests and handlers with Buffers in and out, UDP (one frame per datagram),
 * and the config checks.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { Client } from '../../src/client';
import type { IpcError } from '../../src/errors';
import type { IPCModule } from '../../src/ipc';
import type { Server } from '../../src/server';
import { cloneDifference } from '../helpers/advanced';
import { HARD_TRANSPORTS, type HardTransport } from '../helpers/hardening';
import { collectEvents, freshIpc, nextEvent, rejection, started, tempDir } from '../helpers/support';

function advanced(config: IPCModule['config']): void {
  config.serialization = 'advanced';
}

/** An advanced server and a connected advanced client over `transport`. */
async function openPair(transport: HardTransport, configure: (config: IPCModule['config']) => void = advanced): Promise<{ server: Server; client: Client }> {
  const server = await transport.serve(freshIpc(configure), tempDir());
  const accepted = nextEvent(server, 'connect');
  const clientIpc = freshIpc(configure);
  transport.connect(clientIpc, 'world', server);
  const client = clientIpc.of.world as Client;
  await Promise.all([nextEvent(client, 'connect'), accepted]);
  return { server, client };
}

/** One value of each kind structured clone copies (a fresh one per call: some are mutable). */
const VALUES: Array<[string, () => unknown]> = [
  ['a Buffer', () => Buffer.from([0, 1, 0x0c, 0xc1, 255])],
  ['a 200 kB Buffer (shares the frame)', () => Buffer.alloc(200_000, 7)],
  ['typed arrays and a DataView', () => ({
    i8: new Int8Array([-1, 2]), u8: new Uint8Array([255]), clamped: new Uint8ClampedArray([300]), i16: new Int16Array([-300]),
    u16: new Uint16Array([65535]), i32: new Int32Array([-1 << 30]), u32: new Uint32Array([4e9]), f32: new Float32Array([1.5]),
    f64: new Float64Array([Math.PI, -0]), big64: new BigInt64Array([-5n]), ubig64: new BigUint64Array([2n ** 63n]),
    view: new DataView(new Uint8Array([1, 2, 3]).buffer), large: new Float64Array(20_000).fill(0.5), buffer: new ArrayBuffer(3),
  })],
  ['a Map and a Set', () => new Map<unknown, unknown>([[1, 'one'], [{ key: true }, new Set([1n, 'two', null])]])],
  ['a Date and a RegExp', () => ({ at: new Date(1_700_000_000_123), invalid: new Date(NaN), re: /é+\u{1F600}/giu })],
  ['a BigInt', () => -(2n ** 100n)],
  ['errors', () => [new RangeError('out of range'), new Error('plain')]],
  ['undefined', () => undefined],
  ['null, an empty string, NaN, -0 and Infinity (none of them becomes {})', () => [null, '', NaN, -0, Infinity]],
  ['a sparse array', () => [1, , 3]], // eslint-disable-line no-sparse-arrays
  ['circular and shared references', () => {
    const node: Record<string, unknown> = { n: 1 };
    node.self = node;
    node.twice = [node, node];
    return node;
  }],
  ['a small ASCII object (a Latin-1 JSON body, written as latin1 text)', () => ({ seq: 1, text: 'plain\f', list: [true, false, null], nested: { a: 1.5 } })],
  ['a small object with characters past U+00FF (a UTF-8 JSON body)', () => ({ seq: 2, text: 'é€😀\f', list: [true, false, null], nested: { a: 1.5 } })],
  ['a small Latin-1 object (a Latin-1 JSON body)', () => ({ seq: 3, 'clé': 'café ñ ü \u00ff' })],
  ['a 600 kB string', () => 'é€'.repeat(150_000)],
];

for (const transport of HARD_TRANSPORTS) {
  describe(`advanced serialization over ${transport.name}`, () => {
    it('carries every structured type client -> server -> client as structuredClone gives it (a Buffer as a Buffer)', async () => {
      const { server, client } = await openPair(transport);
      const atServer: unknown[] = [];
      server.on('value', (data: unknown, socket: Socket) => {
        atServer.push(data);
        server.emit(socket, 'echo', data);
      });
      const echoes = collectEvents(client, 'echo', VALUES.length);
      for (const [, make] of VALUES) client.emit('value', make());
      const back = (await echoes).map(([data]) => data as unknown);
      // Compared with the values sent: structuredClone would give the same, but a Uint8Array for a Buffer.
      VALUES.forEach(([label, make], i) => {
        expect(cloneDifference(atServer[i], make())).withContext(`${label} at the server`).toBeNull();
        expect(cloneDifference(back[i], make())).withContext(`${label} back at the client`).toBeNull();
      });
      expect(Buffer.isBuffer(back[0])).withContext('a Buffer arrives as a Buffer').toBeTrue();
      // A tick with only small ASCII frames: the batch is text, written as latin1.
      const alone = collectEvents(client, 'echo', 2);
      client.emit('value', { alone: true });
      client.emit('value', 'just text');
      expect((await alone).map(([data]) => data as unknown)).toEqual([{ alone: true }, 'just text']);
    });
  });
}

describe('advanced serialization: requests and handlers', () => {
  it('answers requests with Buffers in and out, both ways; a failure is ERR_IPC_REMOTE', async () => {
    const { server, client } = await openPair(HARD_TRANSPORTS[0] as HardTransport);
    server.handle('reverse', (bytes: Buffer) => Buffer.from(bytes).reverse());
    server.handle('count', (words: Set<string>) => new Map([...words].map((word) => [word, BigInt(word.length)])));
    server.handle('fail', () => { throw Object.assign(new TypeError('no'), { code: 'E_NO' }); });
    const reversed = await client.request('reverse', Buffer.from([1, 2, 3]));
    expect(Buffer.isBuffer(reversed)).toBeTrue();
    expect(reversed).toEqual(Buffer.from([3, 2, 1]));
    expect(await client.request('count', new Set(['ab', 'xyz']))).toEqual(new Map([['ab', 2n], ['xyz', 3n]]));
    const err = await rejection(client.request('fail'));
    expect(err.code).toBe('ERR_IPC_REMOTE');
    expect(err.remote).toEqual({ name: 'TypeError', message: 'no', code: 'E_NO' });
    // Server -> client, with the socket the client connected on.
    client.handle('digest', (data: { bytes: Uint8Array; at: Date }) => ({ length: data.bytes.length, year: data.at.getUTCFullYear(), raw: Buffer.from(data.bytes) }));
    const socket = server.sockets[0] as Socket;
    const answer = await server.request(socket, 'digest', { bytes: new Uint8Array([9, 9]), at: new Date(Date.UTC(2030, 0)) }) as { length: number; year: number; raw: Buffer };
    expect(answer.length).toBe(2);
    expect(answer.year).toBe(2030);
    expect(Buffer.isBuffer(answer.raw)).toBeTrue();
  });
});

describe('advanced serialization over udp4', () => {
  it('carries one message per datagram both ways, and refuses one too large for a datagram', async () => {
    const open = async (): Promise<Server> => {
      const ipc = freshIpc(advanced);
      ipc.serveNet('127.0.0.1', 0, 'udp4');
      return started(ipc.server);
    };
    const a = await open();
    const b = await open();
    b.on('ping', (data: Map<string, Buffer>, peer: { address: string; port: number }) => b.emit(peer, 'pong', new Set(data.keys())));
    const pong = nextEvent(a, 'pong');
    a.emit({ address: '127.0.0.1', port: b.port as number }, 'ping', new Map([['k', Buffer.from([1])]]));
    expect((await pong)[0]).toEqual(new Set(['k']));
    // A small JSON-exact payload (a JSON body, made as a latin1 string) and a non-ASCII one.
    const hellos = collectEvents(b, 'hello', 2);
    a.emit({ address: '127.0.0.1', port: b.port as number }, 'hello', { n: 1, text: 'plain' });
    a.emit({ address: '127.0.0.1', port: b.port as number }, 'hello', { n: 2, text: 'é€😀' });
    expect((await hellos).map(([data]) => data as unknown)).toEqual([{ n: 1, text: 'plain' }, { n: 2, text: 'é€😀' }]);
    const tooLarge = nextEvent(a, 'error');
    a.emit({ address: '127.0.0.1', port: b.port as number }, 'ping', Buffer.alloc(70_000));
    expect(((await tooLarge)[0] as IpcError).code).toBe('ERR_IPC_DATAGRAM_TOO_LARGE');
    // A JSON datagram is a mismatch: reported, dropped, and the server goes on.
    const mismatch = nextEvent(b, 'error');
    const raw = createSocket('udp4');
    await new Promise<void>((resolve) => raw.send('{"type":"ping","data":{}}\f', b.port as number, '127.0.0.1', () => resolve()));
    raw.close();
    expect(((await mismatch)[0] as IpcError).code).toBe('ERR_IPC_SERIALIZATION_MISMATCH');
  });
});

describe('advanced serialization: config', () => {
  it('refuses an unknown serialization, and advanced with raw mode or a custom parser (TypeError when the client or server is made)', () => {
    const ipc = freshIpc();
    (ipc.config as { serialization: string }).serialization = 'v8';
    expect(() => ipc.serve(`${tempDir()}/s.sock`)).toThrowMatching((e: TypeError) => e instanceof TypeError && /serialization/.test(e.message));
    const raw = freshIpc((config) => {
      config.serialization = 'advanced';
      config.rawBuffer = true;
    });
    expect(() => raw.connectTo('x', `${tempDir()}/s.sock`)).toThrowMatching((e: TypeError) => e instanceof TypeError && /rawBuffer/.test(e.message));
    const custom = freshIpc((config) => {
      config.serialization = 'advanced';
      config.parser = { encode: () => '', read: () => '' };
    });
    expect(() => custom.serve(`${tempDir()}/s.sock`)).toThrowMatching((e: TypeError) => e instanceof TypeError && /custom parser/.test(e.message));
  });

  it('throws from emit for a payload structured clone cannot copy; nothing is sent', async () => {
    const { server, client } = await openPair(HARD_TRANSPORTS[0] as HardTransport);
    expect(() => client.emit('bad', { run() { /* a function */ } })).toThrowError(/could not be cloned/);
    expect(() => client.emit('bad', Symbol('s'))).toThrowError(/could not be cloned/);
    const next = nextEvent(server, 'good');
    client.emit('good', 1n);
    expect((await next)[0]).toBe(1n);
  });
});
