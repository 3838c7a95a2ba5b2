// serialization: 'advanced': typed event and request maps carry structured values (Buffer,
// Map, Set, Date, BigInt, typed arrays, errors); StructuredEvents / StructuredRequests check a
// map, and one whose payload is a function, a method or a symbol does not compile.
import { IPCModule } from 'node-ipc-ts';
import type { Cloneable, IpcClient, IpcServer, Structured, StructuredEvents, StructuredRequests } from 'node-ipc-ts';

type Events = StructuredEvents<{
  chunk: Buffer;
  stats: Map<string, bigint>;
  tags: Set<string>;
  at: Date;
  samples: Float64Array;
  failure: Error;
  nested: { when: Date; parts: Uint8Array[]; maybe?: undefined | RegExp; deep: Map<number, Set<Date>> };
  anything: Cloneable;
  opaque: unknown;
}>;

type Requests = StructuredRequests<{
  hash: { request: Buffer; reply: Buffer };
  index: { request: Map<string, number[]>; reply: Set<bigint> };
  ping: { reply: Date };
}>;

const ipc = new IPCModule<Events, Requests>();
ipc.config.serialization = 'advanced';
// @ts-expect-error only 'json' or 'advanced'
ipc.config.serialization = 'v8';

ipc.connectTo('world', () => {
  const world: IpcClient<Events, Requests> = ipc.of.world!;
  world.emit('chunk', Buffer.from('bytes'));
  world.emit('stats', new Map([['sent', 10n]]));
  world.emit('tags', new Set(['a']));
  world.emit('at', new Date());
  world.emit('samples', new Float64Array([1.5]));
  world.emit('failure', new RangeError('out of range'));
  world.emit('nested', { when: new Date(), parts: [new Uint8Array(2)], deep: new Map([[1, new Set([new Date()])]]) });
  world.emit('anything', new Map<Cloneable, Cloneable>([[1n, [Buffer.alloc(1), { a: null }]]]));
  world.on('chunk', (bytes) => { const b: Buffer = bytes; void b; });
  world.on('stats', (stats) => { const n: bigint | undefined = stats.get('sent'); void n; });
  // @ts-expect-error a function is not a Buffer
  world.emit('chunk', () => Buffer.alloc(1));
  // @ts-expect-error nor is a function a Cloneable
  world.emit('anything', () => 1);
  // @ts-expect-error a symbol is not a Cloneable either
  world.emit('anything', Symbol('s'));
  void (async () => {
    const digest: Buffer = await world.request('hash', Buffer.from('data'));
    const ids: Set<bigint> = await world.request('index', new Map([['a', [1, 2]]]));
    const when: Date = await world.request('ping');
    // @ts-expect-error the reply of hash is a Buffer
    const wrong: string = await world.request('hash', Buffer.alloc(0));
    void digest; void ids; void when; void wrong;
  })();
});

ipc.serve(() => {
  const server: IpcServer<Events, Requests> = ipc.server;
  server.handle('hash', (data) => Buffer.from(data.reverse()));
  server.handle('index', async (map) => new Set([...map.keys()].map((key) => BigInt(key.length))));
  // @ts-expect-error the handler must reply with a Buffer
  server.handle('hash', () => 'digest');
  server.on('samples', (samples, socket) => server.emit(socket, 'samples', samples));
});

// A map with a payload structured clone cannot carry does not compile.
// @ts-expect-error a function payload is refused
type WithFunction = StructuredEvents<{ callback: () => void }>;
// @ts-expect-error so is a function inside a payload
type WithMethod = StructuredEvents<{ job: { id: number; run(): void } }>;
// @ts-expect-error and a symbol
type WithSymbol = StructuredEvents<{ tag: symbol }>;
// @ts-expect-error a Promise (its `then` is a method)
type WithPromise = StructuredEvents<{ later: Promise<number> }>;
// @ts-expect-error a request whose reply is a function
type WithFunctionReply = StructuredRequests<{ make: { request: number; reply: () => number } }>;
// @ts-expect-error a request whose payload is a Map of functions
type WithFunctionMap = StructuredRequests<{ run: { request: Map<string, () => void> } }>;

// Structured<T> names the part that cannot be cloned.
const parts: Structured<{ id: number; run(): void }> = { id: 1, run: undefined as never };
// @ts-expect-error run is never: no function fits
const refused: Structured<{ id: number; run(): void }> = { id: 1, run() { /* nothing */ } };
void parts; void refused;
export type { WithFunction, WithMethod, WithSymbol, WithPromise, WithFunctionReply, WithFunctionMap };
