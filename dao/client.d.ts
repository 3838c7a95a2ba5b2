// node-ipc 9.x's deep path dao/client for resolvers that ignore package.json "exports"; see client.js.
import Client = require('../dist/dao/client.js');
export = Client;
