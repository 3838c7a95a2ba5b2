// node-ipc 9.x's deep path dao/socketServer for resolvers that ignore package.json "exports"; see socketServer.js.
import Server = require('../dist/dao/socketServer.js');
export = Server;
