// node-ipc 9.x deep imports (kept for 9.x code): typed aliases of the package's own classes.
// Compiled with node10 resolution here (the stubs at the 9.x paths) and with nodenext in
// deep-imports-nodenext (the exports map).
import ipc = require('node-ipc-ts');
import SocketServer = require('node-ipc-ts/dao/socketServer');
import SocketServerJs = require('node-ipc-ts/dao/socketServer.js');
import Client = require('node-ipc-ts/dao/client');
import EventParser = require('node-ipc-ts/entities/EventParser');
import type { Socket } from 'net';

// A subclass of the server, as a Discord bot declared one.
class IPCServerWithBroadcast extends SocketServer {
  announce(text: string): void {
    this.broadcast('announcement', { text });
    this.sockets.forEach((socket) => this.emit(socket, 'announcement', { text }));
  }
}
const server = new IPCServerWithBroadcast('/tmp/app.sock', ipc.config, ipc.log);
server.on('message', (data: any, socket: Socket) => server.emit(socket, 'message', data));
server.start();
server.announce('hi');
server.stop();
const same: typeof SocketServerJs = SocketServer;
const fromIpc: SocketServer = ipc.server;
const client: Client | undefined = ipc.of.peer;

// EventParser: 9.x's format/parse with the config's delimiter.
const parser = new EventParser(ipc.config);
const frame: string = parser.format({ type: 'result', data: { passed: 1 } });
const frames: string[] = parser.parse(frame);
const message: EventParser.Message = { type: 'x' };
const delimiter: string = new EventParser().delimiter;
// @ts-expect-error format takes a message object, not a type and data
parser.format('result', {});
// @ts-expect-error parse takes received text
parser.parse(Buffer.from(frame));
// @ts-expect-error the server needs a target to emit to
server.emit('message', 1);
void same; void fromIpc; void client; void frames; void message; void delimiter;
