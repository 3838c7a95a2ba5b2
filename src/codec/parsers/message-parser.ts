/**
 * The js-message compatible parser (`node-ipc-ts/parsers/message`), as node-ipc 14 ships it
 * under `node-ipc/parsers/message`: frames become js-message style objects, and a frame that
 * is not JSON becomes an `error` message instead of closing the connection. It is not a
 * hardened decoder: use the `guarded` or `assured` profile for untrusted peers.
 */
import { FastParser, type ParsedMessage } from './parser';

/** A js-message `Message`: `type`, `data`, `JSON` (the wire text) and `load(text)`. */
export class JsMessage implements ParsedMessage {
  type = '';
  data: unknown = {};

  /** Loads `message` (JSON text or an envelope object) when given. */
  constructor(message?: unknown) {
    if (arguments.length > 0) this.load(message);
  }

  /** The envelope as JSON text, without the delimiter. */
  get JSON(): string {
    return JSON.stringify({ type: this.type, data: this.data });
  }

  /** `{type, data}` for `JSON.stringify`. */
  toJSON(): { type: string; data: unknown } {
    return { type: this.type, data: this.data };
  }

  /**
   * Takes `type` and `data` from JSON text or a plain envelope object. Text that is not JSON
   * gives js-message's error envelope: type `'error'`, data `{message: 'Invalid JSON response
   * format', err, response}`.
   */
  load(message: unknown): void {
    try {
      const parsed = (isPlainEnvelope(message) ? message : JSON.parse(String(message))) as { type?: unknown; data?: unknown };
      this.type = parsed.type as string;
      this.data = parsed.data;
    } catch (err) {
      this.type = 'error';
      this.data = { message: 'Invalid JSON response format', err: serializableError(err), response: message };
    }
  }
}

function isPlainEnvelope(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && (value as { toString?: unknown }).toString === Object.prototype.toString;
}

/** An error whose `JSON.stringify` keeps its name and message (a bare Error serialises to `{}`). */
function serializableError(err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const details = { name: error.name, message: error.message };
  Object.defineProperty(error, 'toJSON', { value: () => details, configurable: true });
  return error;
}

/**
 * `config.parser = MessageParser`: node-ipc's fast framing with js-message decoding.
 * @example
 * const { MessageParser } = require('node-ipc-ts/parsers/message');
 * ipc.config.parser = MessageParser;
 */
export class MessageParser extends FastParser {
  /** One frame as a js-message object; never throws (bad JSON is an `error` message). */
  override decode(frame: string): JsMessage {
    return new JsMessage(frame);
  }
}
