/**
 * ESM facade of `node-ipc-ts/parsers/message`: the same classes `require` returns (one copy,
 * so `instanceof` agrees across both module systems).
 */
import cjs from './message.js';

import type { MessageParser as MessageParserClass, Message as MessageClass, FastParser as FastParserClass } from './message.js';

/** The js-message compatible parser class: `ipc.config.parser = MessageParser`. */
export const { MessageParser, Message, FastParser } = cjs;
/** An instance of {@link MessageParser}. */
export type MessageParser = MessageParserClass;
/** A js-message style message (`type`, `data`, `JSON`, `load()`). */
export type Message = MessageClass;
/** node-ipc 14's fast text parser, the base of custom parsers. */
export type FastParser = FastParserClass;
export type { ParsedMessage, Parser, ParserClass, ParserConfig } from './message.js';
export default cjs.MessageParser;
