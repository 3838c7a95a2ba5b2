// NodeNext, CommonJS project: v10 style `import ipc, { IPCModule }` and `import = require`.
import ipc, { IPCModule } from 'node-ipc-ts';
import required = require('node-ipc-ts');
import type { Config, IpcClient, IpcServer, Socket } from 'node-ipc-ts';

const same: typeof required = ipc;
const instance = new IPCModule();
instance.config.silent = true;
instance.serveNet('127.0.0.1', 0, () => undefined);
instance.server.on('message', (data: any, socket: Socket) => instance.server.emit(socket, 'message', data));
instance.connectToNet('peer', 'localhost', 8000);
const client: IpcClient = instance.of.peer;
const server: IpcServer = instance.server;
const cfg: Config = instance.config;
const typed = new IPCModule<{ ping: { n: number } }>();
typed.of.peer.emit('ping', { n: 1 });
// @ts-expect-error the payload of ping is {n: number}
typed.of.peer.emit('ping', { n: '1' });
// @ts-expect-error an unknown key in a typed config object
const wrong: Partial<Config> = { bogus: 1 };
void same; void client; void server; void cfg; void wrong;

// node-ipc 14 keys and the js-message compatible parser subpath.
import { MessageParser } from 'node-ipc-ts/parsers/message';
import parsersRequired = require('node-ipc-ts/parsers/message');
instance.config.parser = MessageParser;
instance.config.parser = parsersRequired.default;
instance.config.parser = 'guarded';
instance.config.allowedEvents = new Set(['ping']);
instance.config.identifyPeer = true;
// @ts-expect-error not a profile name
instance.config.parser = 'strict';
