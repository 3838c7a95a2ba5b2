'use strict';
// node-ipc 9.x's deep path entities/EventParser, kept for 9.x code, not for new code. This file serves
// resolvers that ignore package.json "exports" (TypeScript's node10, older bundlers); the
// exports map sends everyone else to dist/entities/EventParser.js directly.
module.exports = require('../dist/entities/EventParser.js');
