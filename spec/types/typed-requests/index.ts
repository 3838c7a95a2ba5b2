// Opt-in typed requests: `new IPCModule<Events, Requests>()` checks request names, payloads
// and replies; handlers returning the wrong type do not compile. No run-time cost.
import ipc, { IPCModule } from 'node-ipc-ts';
import type { IpcClient, IpcServer, RemoteError, Socket } from 'node-ipc-ts';

interface Events {
  tick: { n: number };
}

interface Requests {
  add: { request: { a: number; b: number }; reply: number };
  status: { reply: { up: boolean } };
  rename: { request: string; reply: undefined };
}

const typed = new IPCModule<Events, Requests>();

async function client(): Promise<void> {
  const world = typed.of.world!;
  await world.ready({ timeout: 1000, signal: AbortSignal.timeout(2000) });
  const sum: number = await world.request('add', { a: 1, b: 2 });
  const status: { up: boolean } = await world.request('status');
  await world.request('add', { a: 1, b: 2 }, { timeout: 500 });
  await world.request('rename', 'new name');
  void sum;
  void status;
  // @ts-expect-error the reply of add is a number
  const wrong: string = await world.request('add', { a: 1, b: 2 });
  void wrong;
  // @ts-expect-error add needs its payload
  await world.request('add');
  // @ts-expect-error b must be a number
  await world.request('add', { a: 1, b: '2' });
  // @ts-expect-error not a request of the map
  await world.request('substract', { a: 1, b: 2 });
  // Handlers of requests the server sends to this client.
  const remove: () => void = world.handle('status', () => ({ up: true }));
  remove();
  world.handle('add', async ({ a, b }) => a + b);
  // @ts-expect-error a handler returning the wrong type does not compile
  world.handle('add', ({ a, b }) => `${a + b}`);
  // @ts-expect-error nor one resolving to it
  world.handle('status', async () => ({ up: 'yes' }));
  for await (const tick of world.messages('tick', { highWaterMark: 100 })) {
    const n: number = tick.n;
    void n;
  }
  // @ts-expect-error not an event of the map
  world.messages('tock');
  await world.close();
}

function server(): void {
  const srv = typed.server;
  srv.handle('add', ({ a, b }, socket) => {
    const s: Socket = socket;
    void s;
    return a + b;
  });
  srv.handle('status', async () => ({ up: true }));
  // @ts-expect-error the reply of add is a number
  srv.handle('add', () => 'three');
  void (async () => {
    await srv.ready();
    for await (const [tick, source] of srv.messages('tick')) {
      const n: number = tick.n;
      void n;
      void source;
    }
    const socket = srv.sockets[0] as Socket;
    const up: { up: boolean } = await srv.request(socket, 'status');
    void up;
    // @ts-expect-error the payload of rename is a string
    await srv.request(socket, 'rename', 42);
    await srv.close();
  })();
}

// Untyped (the default): any name, any payload, `any` replies, as emit/on are.
async function untyped(): Promise<void> {
  const reply = await ipc.of.anything!.request('whatever', { x: 1 });
  const n: number = reply;
  void n;
  ipc.server.handle('whatever', (data, socket) => { void socket; return data; });
  for await (const [data, socket] of ipc.server.messages('x')) { void data; void socket; }
  // @ts-expect-error options must be an object of known keys
  await ipc.of.anything!.request('x', 1, { timeout: 'soon' });
  // @ts-expect-error handlers must be functions
  ipc.server.handle('x', 42);
}

// A typed client is still an untyped one (helpers written for IpcClient accept it).
const asUntyped: IpcClient = typed.of.world!;
const asUntypedServer: IpcServer = typed.server;
void asUntyped;
void asUntypedServer;

// await using: closes clients and server.
async function disposable(): Promise<void> {
  await using scoped = new IPCModule<Events, Requests>();
  scoped.connectTo('x');
}

function remoteInfo(err: unknown): void {
  const remote = (err as { remote?: RemoteError }).remote;
  if (remote !== undefined) { const code: string | number | undefined = remote.code; void code; }
}

void client;
void server;
void untyped;
void disposable;
void remoteInfo;
