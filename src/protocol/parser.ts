/**
 * A node-ipc 14 custom parser (`config.parser` = an object with `encode` and `read`, or a
 * class built with the live config): it encodes every call and reads the text of every
 * chunk; one that says `raw: true` frames nothing (chunks are published under `data`).
 */
import { UTF8_FRAMES } from '../codec/text-frames';
import { ParserReader } from '../codec/parsers/parser-reader';
import type { Parser } from '../codec/parsers/parser';
import { RawDatagramReader, RawStreamReader } from '../codec/raw';
import type { DatagramReader, MessageSink, StreamReader } from '../codec/reader';
import type { Profile } from '../profile';
import { PAYLOAD_OMITTED } from './envelope';
import type { Protocol, StreamLimits } from './protocol';
import { RAW_LABEL } from './raw';

export class ParserProtocol implements Protocol {
  readonly textFrames = UTF8_FRAMES;
  readonly raw: boolean;
  readonly identifiesPeer: boolean;
  private readonly _profile: Profile;
  private readonly _parser: Parser;

  constructor(profile: Profile, parser: Parser) {
    this._profile = profile;
    this._parser = parser;
    this.raw = parser.raw === true;
    this.identifiesPeer = profile.identifyPeer;
  }

  /** What the parser's `encode(type, data)` makes; what it throws reaches the caller of `emit`. */
  encode(type: unknown, data: unknown): string | Uint8Array {
    return this._parser.encode(type as string, data);
  }

  streamReader(sink: MessageSink): StreamReader {
    return this.raw ? new RawStreamReader(sink) : new ParserReader(this._parser, sink, true);
  }

  datagramReader(sink: MessageSink): DatagramReader {
    return this.raw ? new RawDatagramReader(this._profile.maxMessageSize, sink) : new ParserReader(this._parser, sink, false);
  }

  streamLimits(): StreamLimits {
    // The parser owns its frames: node-ipc 14 runs no messageTimeout for it.
    return { maxPendingBytes: this._profile.maxPendingBytes, messageTimeout: 0 };
  }

  shownType(type: unknown): unknown {
    return this.raw ? RAW_LABEL : type;
  }

  shownData(data: unknown): unknown {
    return this._profile.logPayloads ? data : PAYLOAD_OMITTED;
  }
}
