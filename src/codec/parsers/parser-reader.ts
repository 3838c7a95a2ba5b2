/**
 * A custom parser (node-ipc 14's `config.parser` object or class) as a reader: every chunk
 * is decoded to text and handed to `parser.read(remainder, text, receive)`, exactly as
 * node-ipc 14 does. One reader per connection (or UDP peer) keeps that peer's remainder and
 * its text decoder, so a multi-byte character split across chunks arrives whole.
 *
 * Whatever the parser throws, and any message without a string `type`, is a protocol fault:
 * a peer must never crash the host (STYLE 6.4).
 */
import { StringDecoder } from 'node:string_decoder';
import { IpcError } from '../../errors';
import type { DatagramReader, MessageSink, StreamReader } from '../reader';
import type { ParsedMessage, Parser } from './parser';

export class ParserReader implements StreamReader, DatagramReader {
  private readonly _parser: Parser;
  private readonly _sink: MessageSink;
  /** Stream connections close on a fault; UDP peers only report it. */
  private readonly _fatal: boolean;
  private readonly _text: StringDecoder;
  private _remainder = '';

  constructor(parser: Parser, sink: MessageSink, fatal: boolean) {
    this._parser = parser;
    this._sink = sink;
    this._fatal = fatal;
    this._text = new StringDecoder(parser.encoding ?? 'utf8');
  }

  get pendingBytes(): number {
    // The parser owns what it holds; node-ipc 14 runs no messageTimeout for custom parsers.
    return 0;
  }

  push(chunk: Buffer): void {
    let failedNow = false;
    /** What a listener threw while a message was handed on: the host's own fault, thrown on. */
    let listenerFault: { err: unknown } | null = null;
    const receive = (message: ParsedMessage): void => {
      if (failedNow || listenerFault !== null) return;
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') {
        failedNow = true;
        this._fault(new IpcError('ERR_IPC_INVALID_EVENT', 'The custom parser returned a message without a string type'));
        return;
      }
      try {
        this._sink.onMessage(message.type, message.data);
      } catch (err) {
        listenerFault = { err };
        throw err;
      }
    };
    try {
      const remainder = this._parser.read(this._remainder, this._text.write(chunk), receive);
      this._remainder = typeof remainder === 'string' ? remainder : '';
    } catch (err) {
      this._remainder = '';
      if (!failedNow && listenerFault === null) {
        failedNow = true;
        this._fault(err instanceof IpcError ? err : asProtocolError(err));
      }
    }
    // A handler's exception is not the parser's: it leaves the read as it would on the JSON
    // path (node-ipc 14 let it through the parser too), whatever the parser did with it.
    if (listenerFault !== null) throw (listenerFault as { err: unknown }).err;
  }

  read(bytes: Buffer): void {
    this.push(bytes);
  }

  reset(): void {
    this._remainder = '';
  }

  private _fault(err: IpcError): void {
    this._sink.onProtocolError(err, this._fatal);
  }
}

function asProtocolError(err: unknown): IpcError {
  const code = (err as { code?: unknown } | null)?.code;
  const wrapped = new IpcError('ERR_IPC_INVALID_MESSAGE', 'The custom parser refused the input', { cause: err });
  // A parser's own code (node-ipc 14 parsers throw IPCProtocolError with one) is kept.
  if (typeof code === 'string') Object.defineProperty(wrapped, 'code', { value: code, enumerable: true });
  return wrapped;
}
