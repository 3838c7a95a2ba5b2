// Opt-in typed event maps: names and payloads checked, built-in events typed, no run-time cost.
import ipc, { IPCModule } from 'node-ipc-ts';
import type { IpcClient, IpcServer, Source } from 'node-ipc-ts';

interface Events {
  ping: { n: number };
  pong: string;
  bye: undefined;
}

const typed = new IPCModule<Events>();
typed.config.silent = true;

// Client side: handlers get the payload type; emit checks name and payload.
typed.connectTo('server', () => {
  const server = typed.of.server;
  server.on('pong', (text) => { const s: string = text; void s; });
  server.once('ping', (d) => { const n: number = d.n; void n; });
  server.on('connect', () => server.emit('ping', { n: 1 }));
  server.on('error', (err) => { const code: string | undefined = err.code; void code; });
  server.on('data', (bytes) => { const b: Buffer = bytes; void b; });
  server.on('*', (type, ...args) => { const t: string = type; void t; void args; });
  server.emit('bye');
  server.emit('ping', { n: 2 });
  // @ts-expect-error pong carries a string, not a number
  server.emit('pong', 1);
  // @ts-expect-error ping needs its payload
  server.emit('ping');
  // @ts-expect-error not an event of the map
  server.emit('pnig', { n: 1 });
  // @ts-expect-error d.n is a number, not a string
  server.on('ping', (d) => { const s: string = d.n; void s; });
  // @ts-expect-error unknown events cannot be listened to on a typed client
  server.on('pnig', () => undefined);
  // @ts-expect-error connect handlers get no arguments
  server.on('connect', (x: string) => void x);
  // @ts-expect-error raw-mode emit is for untyped clients
  server.emit(Buffer.from('raw'));
});

// Server side: handlers get (data, source); replies need a target.
typed.serve(() => {
  typed.server.on('ping', (data, socket) => {
    typed.server.emit(socket, 'pong', `n=${data.n}`);
    // @ts-expect-error pong carries a string
    typed.server.emit(socket, 'pong', data.n);
  });
  typed.server.on('socket.disconnected', (socket, id) => { void socket.remoteAddress; void id; });
  typed.server.on('start', (address) => { void address?.port; });
  typed.server.broadcast('pong', 'to all');
  // @ts-expect-error broadcast checks payloads too
  typed.server.broadcast('ping', { n: 'x' });
  // @ts-expect-error a server emit without a target
  typed.server.emit('pong', 'x');
});
typed.server.start();

// A typed instance from the base class, and typed views of an untyped client or server.
const base = new typed.IPC<Events>();
base.of.x?.emit('pong', 'y');
const view = ipc.of.somewhere as IpcClient<Events>;
view.emit('ping', { n: 3 });
const serverView: IpcServer<Events> = ipc.server as IpcServer<Events>;
serverView.on('ping', (d: { n: number }, from: Source) => serverView.emit(from, 'pong', String(d.n)));

// The untyped default stays any-friendly.
ipc.of.anything?.emit('whatever', { any: 'thing' });
ipc.server.on('whatever', (data, socket) => ipc.server.emit(socket, 'x', data.deep.path));
ipc.of.any?.on('error', (err) => ipc.log(err.whatever));

// The singleton, typed by a cast (zero cost: the same object).
const typedSingleton = ipc as IPCModule<Events>;
typedSingleton.of.peer?.emit('ping', { n: 4 });
// @ts-expect-error the cast keeps the map's payload types
typedSingleton.of.peer?.emit('ping', { n: '4' });
