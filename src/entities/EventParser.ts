/**
 * node-ipc 9.x's `entities/EventParser`, kept for 9.x code, not for new code: some projects
 * frame messages themselves with it, loading it by file path next to the package's main
 * file (`path.resolve(path.dirname(require.resolve('node-ipc')), 'entities/EventParser')`),
 * which is why this module keeps 9.x's path and file name under `dist/`.
 *
 * It is a thin adapter over this package's own frame codec (`codec/message.ts` and
 * `codec/frame-decoder.ts`), which the client and server use: `format` gives the same bytes
 * as 9.x's `EventParser#format` and as `emit`, and `parse` splits as 9.x's did.
 * New code sends with `ipc.of[id].emit` / `ipc.server.emit` and never sees frames.
 *
 * @example
 * const EventParser = require(path.resolve(path.dirname(require.resolve('node-ipc-ts')), 'entities/EventParser'));
 * const parser = new EventParser(ipc.config);
 * socket.write(parser.format({ type: 'app.message', data: { id: 1 } }));
 */
import { FrameDecoder, type FrameSink } from '../codec/frame-decoder';
import { encodeMessage } from '../codec/message';

/** What {@link EventParser.format} frames: a js-message `Message`, or any `{type, data}` object. */
interface EventParserMessage {
  /** The message type (`ipc.server.on(type, ...)` on the receiving end). */
  type: string;
  /** The payload; a missing or falsy one (but `false` and `0`) goes out as `{}`, as 9.x sent it. */
  data?: unknown;
}

/** Collects the frames of one {@link EventParser.parse} call as strings. */
class FrameCollector implements FrameSink {
  readonly frames: string[] = [];

  onFrame(frame: Buffer): void {
    this.frames.push(frame.toString('utf8'));
  }

  onFrameError(): void {
    // Unreachable: parse() imposes no frame size limit (9.x's had none).
  }
}

/**
 * Frames and splits JSON-mode messages with a config's `delimiter`, as node-ipc 9.x's
 * `EventParser` did. Kept for 9.x code that framed messages itself; not for new code.
 */
class EventParser {
  /** The frame delimiter, read from the config at construction (9.x's public field). Default `'\f'`. */
  delimiter: string;

  /**
   * @param config an IPC config (`ipc.config`); only its `delimiter` is read, once. Without
   *   one, node-ipc's default delimiter `'\f'` is used.
   */
  constructor(config?: { readonly delimiter?: string } | null) {
    this.delimiter = config?.delimiter ?? '\f';
  }

  /**
   * One frame: `JSON.stringify({type, data}) + delimiter`, byte for byte what 9.x's
   * `format(message)` returned and what `emit` sends. A falsy `data` (but `false` and `0`)
   * and an EventEmitter (it has `_maxListeners`) go out as `{}`. Unlike 9.x, the message
   * object is not modified.
   * @returns the frame, ready for `socket.write`.
   * @throws what `JSON.stringify` throws (circular data, BigInt).
   */
  format(message: EventParserMessage): string {
    return encodeMessage(message.type, message.data, this.delimiter);
  }

  /**
   * Splits received text into frames, delimiters removed. As in 9.x, text after the last
   * delimiter (an incomplete frame) is dropped, not kept for the next call: pass whole frames.
   * @param data received text, e.g. a socket chunk decoded as UTF-8.
   * @returns the frame texts (JSON), in order.
   * @throws TypeError when the delimiter is empty.
   */
  parse(data: string): string[] {
    const collector = new FrameCollector();
    new FrameDecoder(Buffer.from(this.delimiter, 'utf8'), Infinity, collector).push(Buffer.from(data, 'utf8'));
    return collector.frames;
  }
}

// eslint-disable-next-line @typescript-eslint/no-namespace -- type-only namespace merged with the class, for `export =`
namespace EventParser {
  /** What {@link EventParser.format} frames: a js-message `Message`, or any `{type, data}` object. */
  export type Message = EventParserMessage;
}

export = EventParser;
