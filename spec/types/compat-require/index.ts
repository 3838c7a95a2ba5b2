// Written against @types/node-ipc@9.2.3's API surface: must compile unchanged against
// node-ipc-ts under --strict (CommonJS, node10 resolution, `import = require`).
import ipc = require('node-ipc-ts');
import { Socket } from 'net';

// config keys, as @types/node-ipc declares them
ipc.config.appspace = 'app.';
ipc.config.socketRoot = '/tmp/';
ipc.config.id = 'world';
ipc.config.networkHost = 'localhost';
ipc.config.networkPort = 8000;
ipc.config.readableAll = false;
ipc.config.writableAll = false;
ipc.config.encoding = 'utf8';
ipc.config.rawBuffer = false;
ipc.config.sync = false;
ipc.config.silent = true;
ipc.config.logInColor = true;
ipc.config.logDepth = 5;
ipc.config.logger = (msg: string) => console.log(msg);
ipc.config.maxConnections = 100;
ipc.config.retry = 1500;
ipc.config.maxRetries = false;
ipc.config.maxRetries = 10;
ipc.config.maxRetries = true;
ipc.config.stopRetrying = false;
ipc.config.unlink = true;
ipc.config.interfaces = { localAddress: false, localPort: false };
ipc.config.interfaces = {};
ipc.config.tls = { rejectUnauthorized: false, public: '/x/server.pub', private: '/x/server.key' };
ipc.config.tls.rejectUnauthorized = true;
const silent: boolean = ipc.config.silent;
const retries: boolean | number = ipc.config.maxRetries;
const encoding: 'ascii' | 'utf8' | 'utf16le' | 'ucs2' | 'base64' | 'hex' | string = ipc.config.encoding;
ipc.log('silent', silent, retries, encoding);

// connectTo / connectToNet overloads
ipc.connectTo('world');
ipc.connectTo('world', () => undefined);
ipc.connectTo('world', '/tmp/app.world');
ipc.connectTo('world', '/tmp/app.world', () => {
  ipc.of.world.on('connect', () => {
    ipc.log('## connected to world ##');
    ipc.of.world.emit('message', 'hello');
    ipc.of['world'].emit('message');
  });
  ipc.of.world.on('disconnect', () => ipc.log('disconnected from world'));
  ipc.of.world.on('destroy', () => undefined);
  ipc.of.world.on('error', (err: any) => ipc.log(err.code));
  ipc.of.world.on('error', (err) => ipc.log(err.code));
  ipc.of.world.on('data', (buffer: Buffer) => ipc.log(buffer.toString()));
  ipc.of.world.on('message', (data: any) => ipc.log('got a message from world : ', data.deep));
  ipc.of.world.on('message', (...args: any[]) => ipc.log(args));
  ipc.of.world.on('message', (data) => ipc.log(data.anything));
  ipc.of.world.off('message', '*');
});
ipc.connectTo('world', undefined, () => undefined);
ipc.connectToNet('world');
ipc.connectToNet('world', () => undefined);
ipc.connectToNet('world', 'localhost');
ipc.connectToNet('world', 'localhost', 8000);
ipc.connectToNet('world', 'localhost', 8000, () => undefined);
ipc.connectToNet('world', undefined, 8000, () => undefined);
ipc.connectToNet('world', 8000);
ipc.connectToNet('world', 8000, () => undefined);
const hostOrPort: number | string = Math.random() > 0.5 ? 8000 : 'localhost';
ipc.connectToNet('world', hostOrPort, () => undefined);
ipc.disconnect('world');

// of is a Record<string, Client>
const clients: Record<string, { emit(event: string, value?: any): unknown }> = ipc.of;
for (const id of Object.keys(ipc.of)) ipc.of[id].emit('bye', { id });
void clients;

// serve / serveNet overloads
ipc.serve();
ipc.serve(() => undefined);
ipc.serve(null);
ipc.serve('/tmp/app.world');
ipc.serve('/tmp/app.world', () => {
  ipc.server.on('app.message', (data: any, socket: Socket) => {
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: data.message + ' world!' });
    ipc.server.emit(socket, 'ack');
    ipc.server.emit(socket, Buffer.from('raw'));
  });
  ipc.server.on('message', (data, socket) => ipc.server.emit(socket, 'message', data));
  ipc.server.on('socket.disconnected', (socket: Socket, destroyedSocketID: string) => {
    ipc.log('client ' + destroyedSocketID + ' has disconnected!', socket.remoteAddress);
  });
  ipc.server.on('connect', (socket: Socket) => ipc.server.emit(socket, 'hello'));
  ipc.server.on('error', (err: any) => ipc.log(err));
  ipc.server.broadcast('news', { hot: true });
  ipc.server.broadcast('ping');
});
ipc.serveNet();
ipc.serveNet('udp4');
ipc.serveNet('udp6', () => undefined);
ipc.serveNet(8000);
ipc.serveNet(() => undefined);
const callbackOrPort: number | (() => void) = Math.random() > 0.5 ? 8000 : () => undefined;
ipc.serveNet(callbackOrPort);
ipc.serveNet('localhost', 8000);
ipc.serveNet('localhost', 8000, () => undefined);
ipc.serveNet('::1', 8000, 'udp6');
ipc.serveNet('127.0.0.1', 8000, 'udp4', () => {
  ipc.server.on('message', (data: any, socket: any) => {
    ipc.server.emit({ address: socket.address, port: socket.port }, 'message', data);
  });
});
ipc.serveNet(undefined, 8000, 'udp4');
const udpTarget: { address?: string; port?: number } = { address: '127.0.0.1', port: 8001 };
ipc.server.emit(udpTarget, 'message', { hello: 1 });
ipc.server.start();
ipc.server.stop();
ipc.server.off('message', () => undefined);

// independent instances
const other = new ipc.IPC();
other.config.id = 'other';
other.serve();
other.server.start();
other.connectTo('world', () => other.of.world.emit('x', 1));
const config: typeof ipc.config = other.config;
void config;

// @ts-expect-error an id is a string
ipc.connectTo(1);
// @ts-expect-error an id is a string
ipc.connectToNet(42, 'localhost', 8000);
// @ts-expect-error server.emit needs a target socket: node-ipc would throw (no target)
ipc.server.emit('message', { hello: 1 });
// @ts-expect-error a port is a number
ipc.serveNet('localhost', '8000');
// @ts-expect-error not a config key
ipc.config.silentt = true;
// @ts-expect-error udp4 or udp6 only
ipc.serveNet('localhost', 8000, 'udp5');
