/**
 * `serialization: 'advanced'`: messages are V8 structured clones (codec/structured.ts) in
 * length-prefixed frames (codec/length-prefixed.ts), PROTOCOL.md §10. Events, requests and
 * replies work as with JSON; payloads go out exactly as given (no node-ipc 9/10 `{}` for a
 * falsy one: `undefined`, `null`, `''` and `NaN` arrive as they were sent).
 *
 * It composes with the rest of the config as the JSON protocols do: without node-ipc 14 keys
 * the limits are read from the config and `data.id` names a server's socket (9/10); with
 * them the profile's limits, `identifyPeer` and `logPayloads` apply, and under `guarded` /
 * `assured` every name is checked against the policy both ways, a frame over
 * `maxMessageSize` is refused before it is sent, and received names are checked before their
 * payload is deserialized. Every fault of a received frame closes the connection: after a bad
 * frame nothing can be trusted to be in step.
 */
import type { EventPolicy } from '../codec/event-policy';
import { FRAME_OVERHEAD, LengthPrefixedDatagramReader, LengthPrefixedReader } from '../codec/length-prefixed';
import { ownFrame } from '../codec/raw';
import type { DatagramReader, MessageSink, StreamReader } from '../codec/reader';
import { LATIN1_FRAMES, StructuredBodyDecoder, encodeStructured, structuredCloneUnavailable } from '../codec/structured';
import type { IpcConfig } from '../config';
import { IpcError, assertMessageType, invalidArgument } from '../errors';
import type { Profile } from '../profile';
import { PAYLOAD_OMITTED } from './envelope';
import type { Protocol, StreamLimits } from './protocol';

/** Where the limits are read: the config itself (node-ipc 9/10, read when used) or a node-ipc 14 profile. */
type LimitSource = Pick<IpcConfig, 'maxMessageSize' | 'maxPendingBytes' | 'messageTimeout'>;

export class AdvancedProtocol implements Protocol {
  readonly raw = false;
  /** Small frames come as strings of bytes, one character each (structured.ts). */
  readonly textFrames = LATIN1_FRAMES;
  readonly identifiesPeer: boolean;
  private readonly _limits: LimitSource;
  private readonly _profile: Profile | null;
  private readonly _policy: EventPolicy | null;

  /**
   * Throws a TypeError for a config advanced frames cannot serve (raw mode or a custom
   * parser), and ERR_IPC_UNSUPPORTED in a runtime without node:v8's serializer classes.
   */
  constructor(config: IpcConfig, profile: Profile | null) {
    if (config.rawBuffer || (profile !== null && (profile.raw || profile.parser !== null))) {
      throw new TypeError("ipc.config.serialization 'advanced' cannot be combined with rawBuffer, parser 'raw' or a custom parser");
    }
    const unavailable = structuredCloneUnavailable();
    if (unavailable !== null) throw new IpcError('ERR_IPC_UNSUPPORTED', `serialization 'advanced' is not available: ${unavailable}`);
    this._limits = profile ?? config;
    this._profile = profile;
    this._policy = profile === null ? null : profile.policy;
    this.identifiesPeer = profile === null || profile.identifyPeer;
  }

  /**
   * The frame of one message. Throws for a programmer's mistake: a type that is not a string
   * (TypeError; node-ipc 14 keys: not a non-empty one; guarded: the policy's IpcError), a
   * payload V8 cannot clone (what V8 throws: a function, a symbol), or (guarded) a frame over
   * `maxMessageSize` (ERR_IPC_FRAME_TOO_LARGE).
   */
  encode(type: unknown, data: unknown): string | Uint8Array {
    const policy = this._policy;
    if (policy !== null) {
      const refused = policy.check(type);
      if (refused !== null) throw refused;
    } else if (this._profile !== null) {
      if (typeof type !== 'string' || type.length === 0) throw invalidArgument('type', 'a non-empty string', type);
    } else {
      assertMessageType(type);
    }
    const frame = encodeStructured(type as string, data);
    if (policy !== null && bodyBytes(frame, this._limits.maxMessageSize) > this._limits.maxMessageSize) {
      throw new IpcError('ERR_IPC_FRAME_TOO_LARGE', `The message exceeds maxMessageSize (${this._limits.maxMessageSize} bytes); it was not sent`);
    }
    return typeof frame === 'string' ? frame : ownFrame(frame);
  }

  streamReader(sink: MessageSink): StreamReader {
    return new LengthPrefixedReader(this._limits.maxMessageSize, new StructuredBodyDecoder(this._policy), sink);
  }

  datagramReader(sink: MessageSink): DatagramReader {
    return new LengthPrefixedDatagramReader(this._limits.maxMessageSize, new StructuredBodyDecoder(this._policy), sink);
  }

  streamLimits(): StreamLimits {
    return { maxPendingBytes: this._limits.maxPendingBytes, messageTimeout: this._limits.messageTimeout };
  }

  shownType(type: unknown): unknown {
    return type;
  }

  shownData(data: unknown): unknown {
    return this._profile === null || this._profile.logPayloads ? data : PAYLOAD_OMITTED;
  }
}

/**
 * The body size of a frame, for the `maxMessageSize` check before it is sent. A string frame's
 * characters are its bytes, unless one is past U+00FF: that frame leaves in a UTF-8 body
 * (LATIN1_FRAMES), at most three bytes a character, and is measured only when that could pass
 * the limit.
 */
function bodyBytes(frame: string | Buffer, max: number): number {
  const size = frame.length - FRAME_OVERHEAD;
  if (typeof frame !== 'string' || size * 3 <= max) return size;
  return LATIN1_FRAMES.bytes(frame).length - FRAME_OVERHEAD;
}
