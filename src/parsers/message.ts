/**
 * `node-ipc-ts/parsers/message`: the js-message compatible parser, as node-ipc 14 ships it
 * under `node-ipc/parsers/message`. An explicit opt-in for code that relied on js-message's
 * error envelope; not a hardened decoder (use `parser = 'guarded'` or `'assured'` for that).
 * @example
 * const { MessageParser } = require('node-ipc-ts/parsers/message');
 * ipc.config.parser = MessageParser;
 */
import { MessageParser } from '../codec/parsers/message-parser';

export { JsMessage as Message, MessageParser } from '../codec/parsers/message-parser';
export { FastParser } from '../codec/parsers/parser';
export type { ParsedMessage, Parser, ParserClass, ParserConfig } from '../codec/parsers/parser';
export default MessageParser;
