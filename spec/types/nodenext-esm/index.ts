// NodeNext, ES module project: v10 style `import ipc, { IPCModule }` (index.d.mts).
import ipc, { IPCModule, IPC, IpcError, Client, Server } from 'node-ipc-ts';
import type { Config, ErrorCode, Socket } from 'node-ipc-ts';

ipc.config.id = 'world';
ipc.config.silent = true;
ipc.serve(() => {
  ipc.server.on('message', (data: any, socket: Socket) => ipc.server.emit(socket, 'message', data));
  ipc.server.on('error', (err: any) => ipc.log(err.code));
});
ipc.server.start();
const viaDefault: typeof ipc = ipc.default;
const instance: IPCModule = new IPCModule();
const base: IPC = new IPC();
const client: Client | undefined = instance.of.x;
const server: Server = instance.server;
const code: ErrorCode = 'ERR_IPC_NOT_CONNECTED';
const err = new IpcError(code, 'x');
const cfg: Partial<Config> = { silent: true };
const typed = new IPCModule<{ ping: { n: number }; pong: string }>();
typed.server.on('ping', (data, socket) => typed.server.emit(socket, 'pong', String(data.n)));
// @ts-expect-error pong carries a string
typed.server.emit(typed.server.sockets[0]!, 'pong', 1);
// @ts-expect-error an unknown key in a typed config object
const wrong: Partial<Config> = { socketroot: '/tmp/' };
// @ts-expect-error an id is a string
ipc.connectTo(1, '/tmp/x');
void viaDefault; void base; void client; void server; void err; void cfg; void wrong;

// node-ipc 14 keys and the js-message compatible parser subpath.
import MessageParserDefault, { MessageParser, Message, type Parser } from 'node-ipc-ts/parsers/message';
const custom: Parser = { encode: (type: string, data?: unknown) => JSON.stringify({ type, data }) + '\n', read: (rest: string) => rest };
instance.config.parser = custom;
instance.config.parser = MessageParser;
instance.config.parser = MessageParserDefault;
instance.config.allowedEvents = ['ping'];
instance.config.logPayloads = false;
const decoded: Message = new MessageParser({ delimiter: '\f' }).decode('{"type":"a","data":1}');
const bad: ErrorCode = 'ERR_IPC_EVENT_NOT_ALLOWED';
