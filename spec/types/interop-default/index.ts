// `import ipc from` with esModuleInterop (CommonJS, node10 resolution).
import ipc from 'node-ipc-ts';
import { IPCModule } from 'node-ipc-ts';
import type { Socket } from 'net';

ipc.config.id = 'world';
ipc.config.silent = true;
ipc.serve(() => {
  ipc.server.on('app.message', (data: any, socket: Socket) => {
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: data.message + ' world!' });
  });
  ipc.server.on('socket.disconnected', (socket: Socket, destroyedSocketID: string) => ipc.log(destroyedSocketID, socket.remoteAddress));
});
ipc.server.start();
ipc.connectToNet('world', 'localhost', 8000, () => ipc.of.world.emit('hi'));
const separate: IPCModule = new IPCModule();
separate.config.maxRetries = 3;
const nested = new ipc.IPC();
nested.connectTo('x');
// @ts-expect-error an id is a string
separate.disconnect(3);
// @ts-expect-error the server needs a target to emit to
ipc.server.emit('app.message', { id: 1 });
// Named imports of the singleton's members, as @types/node-ipc users write them.
import { IPC, config, of, server, connectTo } from 'node-ipc-ts';
const viaNamed = new IPC();
viaNamed.serve();
config.silent = true;
connectTo('named', () => of.named.emit('x'));
server.broadcast('all', 1);
