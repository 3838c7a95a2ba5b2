/**
 * The parser contract of node-ipc 14 (`config.parser` = an object or a class), and the `fast`
 * text parser custom parsers extend.
 *
 * The built-in profiles (`'fast'`, `'guarded'`, `'assured'`, `'raw'`) do not run through this
 * text interface: they use the byte decoder ({@link FrameDecoder}) and the envelope codecs,
 * chosen once per client or server. A custom parser is handed the text of every chunk instead,
 * exactly as node-ipc 14 does: `read(remainder, chunk, receive)` calls `receive(message)` for
 * each complete message and returns what is left over for the next chunk.
 */
import { IpcError } from '../../errors';
import type { Message } from '../message';
import { encodeEnvelope } from './envelope';

/** A message a parser hands to `receive`: anything with a `type` and a `data`. */
export interface ParsedMessage {
  type: string;
  data?: unknown;
}

/** The config keys a parser class may read when it is constructed (the live `ipc.config`). */
export interface ParserConfig {
  delimiter: string;
  encoding?: BufferEncoding;
  [key: string]: unknown;
}

/**
 * A parser object, as `config.parser` takes it (node-ipc 14's contract).
 * @example
 * ipc.config.parser = { encode: (type, data) => JSON.stringify({ type, data }) + '\n',
 *   read: (rest, chunk, receive) => { ... return leftOver; } };
 */
export interface Parser {
  /** The bytes or text of one message. Throwing refuses the send (the error reaches the caller of `emit`). */
  encode(type: string, data?: unknown): string | Uint8Array;
  /**
   * Consumes one chunk of text: `remainder` is what the previous call returned (`''` at
   * first). Calls `receive` once per complete message; returns the incomplete rest.
   * Throwing closes the connection with that error (it is published as `error`).
   */
  read(remainder: string, chunk: string, receive: (message: ParsedMessage) => void): string;
  /** `true`: no framing at all, chunks are published under `data` (as `rawBuffer`). */
  raw?: boolean;
  /** Text encoding of incoming chunks. Default `'utf8'`. */
  encoding?: BufferEncoding;
  /** Most bytes queued for one peer (node-ipc 14 reads it from the parser). */
  maxPendingBytes?: number;
}

/** A parser class: constructed once per client or server with the live config. */
export type ParserClass = new (config: ParserConfig) => Parser;

/**
 * node-ipc 14's `fast` parser as a text parser: `{type, data}` JSON frames ending in the
 * delimiter. Extend it and override `decode` to change how a frame becomes a message.
 */
export class FastParser implements Parser {
  /** The profile name node-ipc 14 gives its built-in parsers. */
  readonly profile: string = 'fast';
  readonly raw = false;
  readonly encoding: BufferEncoding = 'utf8';
  readonly delimiter: string;

  /** @throws TypeError when `config.delimiter` is not a non-empty string. */
  constructor(config: ParserConfig = { delimiter: '\f' }) {
    if (typeof config.delimiter !== 'string' || config.delimiter.length === 0) {
      throw new TypeError('ipc.config.delimiter must be a non-empty string');
    }
    this.delimiter = config.delimiter;
  }

  /** `JSON.stringify({type, data}) + delimiter`; a missing payload is `{}`. */
  encode(type: string, data?: unknown): string {
    return encodeEnvelope(type, data, this.delimiter);
  }

  /** Splits on the delimiter, decodes each frame, returns the incomplete rest. */
  read(remainder: string, chunk: string, receive: (message: ParsedMessage) => void): string {
    const text = remainder.length > 0 ? remainder + chunk : chunk;
    const delimiter = this.delimiter;
    let from = 0;
    let end = text.indexOf(delimiter);
    while (end !== -1) {
      receive(this.decode(text.slice(from, end)));
      from = end + delimiter.length;
      end = text.indexOf(delimiter, from);
    }
    return from === 0 ? text : text.slice(from);
  }

  /** One frame's message. @throws IpcError ERR_IPC_INVALID_JSON for a frame that is not JSON. */
  decode(frame: string): ParsedMessage {
    try {
      return JSON.parse(frame) as Message;
    } catch (cause) {
      throw new IpcError('ERR_IPC_INVALID_JSON', 'Received message is not valid JSON', { cause });
    }
  }
}

/**
 * The parser of a `config.parser` that is neither a profile name nor absent: the object
 * itself, or an instance of the class built with the live config.
 * @throws TypeError when it has no `encode` and `read` methods (node-ipc 14 does the same).
 */
export function instantiateParser(selected: unknown, config: ParserConfig): Parser {
  const parser: unknown = typeof selected === 'function' ? new (selected as ParserClass)(config) : selected;
  const candidate = parser as Partial<Parser> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.encode !== 'function' || typeof candidate.read !== 'function') {
    throw new TypeError('ipc.config.parser must be "raw", "fast", "guarded", "assured", or an object with encode() and read() methods');
  }
  return candidate as Parser;
}
