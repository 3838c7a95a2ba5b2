/**
 * node-ipc 9.x's `dao/client` (`require('node-ipc/dao/client')`), kept for 9.x code, not for
 * new code: the client class, as code that used it in JSDoc types or `instanceof` checks
 * loaded it. It is an alias, not a copy: the very class of `ipc.of[id]`, also
 * `require('node-ipc-ts').Client`. Make clients with `ipc.connectTo` / `ipc.connectToNet`:
 * its constructor is this package's `(config, log, id, target)`, not 9.x's `(config, log)`.
 */
import { Client } from '../client';

export = Client;
