// moduleResolution bundler (the `import` condition: index.d.mts).
import ipc, { IPCModule } from 'node-ipc-ts';
import type { Config, Target } from 'node-ipc-ts';

ipc.config.silent = true;
ipc.serveNet('udp4', () => undefined);
ipc.server.on('message', (data: any, socket: any) => ipc.server.emit({ address: socket.address, port: socket.port }, 'message', data));
const target: Target = { address: '127.0.0.1', port: 9000 };
ipc.server.emit(target, 'message', 1);
const instance = new IPCModule();
instance.connectTo('world', '/tmp/app.world', () => instance.of.world.emit('hello'));
const cfg: Config = instance.config;
// @ts-expect-error an unknown key in a typed config object
const wrong: Partial<Config> = { retries: 3 };
// @ts-expect-error the server needs a target to emit to
ipc.server.emit('message', 1);
void cfg; void wrong;
