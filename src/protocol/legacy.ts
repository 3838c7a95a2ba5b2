/**
 * node-ipc 9/10's protocol, the default: the `{type, data}` JSON envelope with its quirks
 * (a falsy payload goes out as `{}`), or raw bytes while `config.rawBuffer` is set. Like
 * node-ipc it reads the config when it acts: real code switches `rawBuffer` on in the
 * `serve` callback, after the server was made. A frame that does not decode is published as
 * an error and reading goes on; only a frame over `maxMessageSize` closes the connection.
 */
import { UTF8_FRAMES } from '../codec/text-frames';
import { JsonDatagramReader, JsonStreamReader, type JsonReading } from '../codec/json-reader';
import { EnvelopeWriter } from '../codec/envelope-writer';
import { legacyPayload } from '../codec/message';
import { RawDatagramReader, RawStreamReader, ignoreRawExtras, toRawBytes } from '../codec/raw';
import type { DatagramReader, MessageSink, StreamReader } from '../codec/reader';
import type { IpcConfig } from '../config';
import { assertMessageType } from '../errors';
import type { Protocol, StreamLimits } from './protocol';

export class LegacyProtocol implements Protocol {
  readonly textFrames = UTF8_FRAMES;
  readonly identifiesPeer = true;
  private readonly _config: IpcConfig;
  private readonly _writer = new EnvelopeWriter();

  constructor(config: IpcConfig) {
    this._config = config;
  }

  get raw(): boolean {
    return this._config.rawBuffer;
  }

  encode(type: unknown, data: unknown, more: unknown): string | Uint8Array {
    const config = this._config;
    if (config.rawBuffer) {
      // One value per emit, as in node-ipc; more are ignored (and reported once).
      ignoreRawExtras(data, more);
      return toRawBytes(type, config.encoding);
    }
    if (typeof type !== 'string' || type.length === 0) assertMessageType(type);
    return this._writer.write(type, legacyPayload(data), config.delimiter);
  }

  streamReader(sink: MessageSink): StreamReader {
    return this._config.rawBuffer ? new RawStreamReader(sink) : new JsonStreamReader(this._jsonReading(), sink);
  }

  datagramReader(sink: MessageSink): DatagramReader {
    return new LegacyDatagramReader(this._config, new RawDatagramReader(this._config.maxMessageSize, sink), new JsonDatagramReader(this._jsonReading(), sink));
  }

  streamLimits(): StreamLimits {
    return { maxPendingBytes: this._config.maxPendingBytes, messageTimeout: this._config.messageTimeout };
  }

  shownType(type: unknown): unknown {
    return type;
  }

  shownData(data: unknown): unknown {
    return data;
  }

  private _jsonReading(): JsonReading {
    const config = this._config;
    return { delimiter: config.delimiter, maxMessageSize: config.maxMessageSize, policy: null, decodeFaultsAreFatal: false };
  }
}

/** node-ipc read `rawBuffer` per datagram: so does this. */
class LegacyDatagramReader implements DatagramReader {
  constructor(private readonly _config: IpcConfig, private readonly _raw: DatagramReader, private readonly _json: DatagramReader) {}

  read(bytes: Buffer): void {
    if (this._config.rawBuffer) this._raw.read(bytes);
    else this._json.read(bytes);
  }
}
