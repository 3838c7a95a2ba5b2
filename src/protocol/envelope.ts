/**
 * node-ipc 14's JSON profiles, `fast`, `guarded` and `assured`: payloads go out as they are
 * (only a missing one is `{}`), guarded and assured check every name against their policy
 * both ways and bound frames, and any protocol fault closes the connection.
 */
import { UTF8_FRAMES } from '../codec/text-frames';
import { JsonDatagramReader, JsonStreamReader, type JsonReading } from '../codec/json-reader';
import { EnvelopeWriter } from '../codec/envelope-writer';
import type { DatagramReader, MessageSink, StreamReader } from '../codec/reader';
import { IpcError, invalidArgument } from '../errors';
import type { Profile } from '../profile';
import type { Protocol, StreamLimits } from './protocol';

export class EnvelopeProtocol implements Protocol {
  readonly textFrames = UTF8_FRAMES;
  readonly raw = false;
  readonly identifiesPeer: boolean;
  private readonly _profile: Profile;
  private readonly _reading: JsonReading;
  private readonly _delimiterBytes: number;
  private readonly _writer = new EnvelopeWriter();

  constructor(profile: Profile) {
    this._profile = profile;
    this.identifiesPeer = profile.identifyPeer;
    this._reading = { delimiter: profile.delimiter, maxMessageSize: profile.maxMessageSize, policy: profile.policy, decodeFaultsAreFatal: true };
    this._delimiterBytes = profile.delimiterBuffer.length;
  }

  /**
   * Throws for a programmer's mistake: a non-string `type` (TypeError), a name the policy
   * refuses or a frame over `maxMessageSize` (IpcError with node-ipc 14's code), or what
   * `JSON.stringify` throws.
   */
  encode(type: unknown, data: unknown): string {
    const profile = this._profile;
    const policy = profile.policy;
    if (policy === null) {
      if (typeof type !== 'string' || type.length === 0) throw invalidArgument('type', 'a non-empty string', type);
      return this._writer.write(type, data === undefined ? EMPTY_PAYLOAD : data, profile.delimiter);
    }
    const refused = policy.check(type);
    if (refused !== null) throw refused;
    const frame = this._writer.write(type as string, data === undefined ? EMPTY_PAYLOAD : data, profile.delimiter);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: short frames skip the byte count.
    const max = profile.maxMessageSize;
    if (frame.length * 3 > max && Buffer.byteLength(frame) - this._delimiterBytes > max) {
      throw new IpcError('ERR_IPC_FRAME_TOO_LARGE', `The message exceeds maxMessageSize (${max} bytes); it was not sent`);
    }
    return frame;
  }

  streamReader(sink: MessageSink): StreamReader {
    return new JsonStreamReader(this._reading, sink);
  }

  datagramReader(sink: MessageSink): DatagramReader {
    return new JsonDatagramReader(this._reading, sink);
  }

  streamLimits(): StreamLimits {
    return { maxPendingBytes: this._profile.maxPendingBytes, messageTimeout: this._profile.messageTimeout };
  }

  shownType(type: unknown): unknown {
    return type;
  }

  shownData(data: unknown): unknown {
    return this._profile.logPayloads ? data : PAYLOAD_OMITTED;
  }
}

/** What node-ipc 14 sends for a missing payload. */
const EMPTY_PAYLOAD = {};

/** What node-ipc 14's automatic logs show instead of a payload. */
export const PAYLOAD_OMITTED = '<payload omitted>';
