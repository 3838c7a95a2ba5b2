// `import * as ipc` without esModuleInterop (CommonJS, node10 resolution).
import * as ipc from 'node-ipc-ts';
import type { Socket } from 'net';

ipc.config.id = 'hello';
ipc.config.retry = 1500;
ipc.config.silent = true;
ipc.connectTo('world', () => {
  ipc.of.world.on('connect', () => ipc.of.world.emit('message', 'hello'));
  ipc.of.world.on('message', (data: any) => ipc.log(data));
});
ipc.serve(() => ipc.server.on('message', (data: any, socket: Socket) => ipc.server.emit(socket, 'message', data)));
ipc.server.start();
const other = new ipc.IPC();
other.serveNet(8000, 'udp4');
const viaDefault: typeof ipc = ipc.default;
const Module = ipc.IPCModule;
const instance: ipc.IPCModule = new Module();
const config: ipc.Config = instance.config;
const partial: Partial<ipc.Config> = { silent: true, retry: 10 };
// @ts-expect-error an unknown key in a typed config object
const wrong: Partial<ipc.Config> = { silentt: true };
// @ts-expect-error an id is a string
ipc.connectTo(7);
// @ts-expect-error the server needs a target to emit to
ipc.server.emit('message', 'x');
void viaDefault; void config; void partial; void wrong;
