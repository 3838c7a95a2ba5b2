'use strict';
// node-ipc 9.x's deep path dao/client, kept for 9.x code, not for new code. This file serves
// resolvers that ignore package.json "exports" (TypeScript's node10, older bundlers); the
// exports map sends everyone else to dist/dao/client.js directly.
module.exports = require('../dist/dao/client.js');
