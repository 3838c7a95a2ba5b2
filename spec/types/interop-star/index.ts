// `import * as ipc` as @types/node-ipc users write it, under esModuleInterop (CommonJS, node10).
// esModuleInterop types a namespace import of an `export =` value as a spread of it, which
// drops members declared as class methods or accessors: every member used here must survive.
// The same file is compiled by interop-star-strict (strict) and interop-star-synthetic
// (allowSyntheticDefaultImports without esModuleInterop).
import * as ipc from 'node-ipc-ts';
import type { Socket } from 'net';

ipc.config.id = 'world';
ipc.config.retry = 1500;
ipc.config.silent = true;
ipc.config.maxRetries = false;
ipc.config.tls = { rejectUnauthorized: false, public: '/x/server.pub', private: '/x/server.key' };
ipc.log('starting', ipc.config.id);

ipc.connectTo('world');
ipc.connectTo('world', () => undefined);
ipc.connectTo('world', '/tmp/app.world', () => {
  ipc.of.world.on('connect', () => ipc.of.world.emit('message', 'hello'));
  ipc.of.world.on('disconnect', () => ipc.log('disconnected from world'));
  ipc.of.world.on('error', (err: any) => ipc.log(err.code));
  ipc.of.world.on('data', (buffer: Buffer) => ipc.log(buffer.toString()));
  ipc.of.world.on('message', (data: any) => ipc.log('got a message from world : ', data.deep));
  ipc.of.world.off('message', '*');
});
ipc.connectToNet('world');
ipc.connectToNet('world', 'localhost', 8000, () => ipc.of.world.emit('hi'));
ipc.connectToNet('world', 8000, () => undefined);
ipc.disconnect('world');

ipc.serve();
ipc.serve('/tmp/app.world', () => {
  ipc.server.on('app.message', (data: any, socket: Socket) => {
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: data.message + ' world!' });
  });
  ipc.server.on('socket.disconnected', (socket: Socket, destroyedSocketID: string) => ipc.log(destroyedSocketID, socket.remoteAddress));
  ipc.server.broadcast('news', { hot: true });
});
ipc.serveNet();
ipc.serveNet('udp4', () => undefined);
ipc.serveNet(8000);
ipc.serveNet('localhost', 8000, () => undefined);
ipc.serveNet('127.0.0.1', 8000, 'udp4', () => {
  ipc.server.on('message', (data: any, socket: any) => ipc.server.emit({ address: socket.address, port: socket.port }, 'message', data));
});
ipc.server.start();
ipc.server.stop();

// The classes and independent instances.
const other = new ipc.IPC();
other.config.id = 'other';
other.serveNet(8000, 'udp4');
other.connectTo('x', () => other.of.x.emit('x', 1));
const Module = ipc.IPCModule;
const instance: ipc.IPCModule = new Module();
instance.connectToNet('peer', 'localhost', 8000);
const server: ipc.IpcServer = instance.server;
const client: ipc.IpcClient | undefined = instance.of.peer;
const config: ipc.Config = instance.config;
const sameConfig: typeof ipc.config = config;
const err: ipc.Error = new ipc.IpcError('ERR_IPC_NOT_CONNECTED', 'x');
const partial: Partial<ipc.Config> = { silent: true, retry: 10 };

// Destructured members are bound at run time (BEHAVIOUR.md), so this is fine too.
const { connectTo, serve, log } = ipc;
connectTo('destructured', () => log('connected'));
serve(() => undefined);

// @ts-expect-error an unknown key in a typed config object
const wrong: Partial<ipc.Config> = { silentt: true };
// @ts-expect-error an id is a string
ipc.connectTo(7);
// @ts-expect-error an id is a string
ipc.connectToNet(42, 'localhost', 8000);
// @ts-expect-error the server needs a target to emit to
ipc.server.emit('message', 'x');
// @ts-expect-error a port is a number
ipc.serveNet('localhost', '8000');
// @ts-expect-error udp4 or udp6 only
ipc.serveNet('localhost', 8000, 'udp5');
// @ts-expect-error not a member of node-ipc
ipc.connectToo('world');
void server; void client; void sameConfig; void err; void partial; void wrong;
