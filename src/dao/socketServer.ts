/**
 * node-ipc 9.x's `dao/socketServer` (`require('node-ipc/dao/socketServer')`), kept for 9.x
 * code, not for new code: the server class, as code that subclassed it or used it in JSDoc
 * types loaded it. It is an alias, not a copy: the very class of `ipc.server`, also
 * `require('node-ipc-ts').Server`. Its constructor takes 9.x's arguments,
 * `(path, config, log, port)`.
 */
import { Server } from '../server';

export = Server;
