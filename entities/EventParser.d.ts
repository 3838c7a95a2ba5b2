// node-ipc 9.x's deep path entities/EventParser for resolvers that ignore package.json "exports"; see EventParser.js.
import EventParser = require('../dist/entities/EventParser.js');
export = EventParser;
