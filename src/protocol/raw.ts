/**
 * node-ipc 14's `raw` profile (`parser: 'raw'`, or `rawBuffer` with a node-ipc 14 key set):
 * no framing; what is emitted is written as bytes, what arrives is published under `data`.
 */
import { UTF8_FRAMES } from '../codec/text-frames';
import { RawDatagramReader, RawStreamReader, ignoreRawExtras, toRawBytes } from '../codec/raw';
import type { DatagramReader, MessageSink, StreamReader } from '../codec/reader';
import type { Profile } from '../profile';
import { PAYLOAD_OMITTED } from './envelope';
import type { Protocol, StreamLimits } from './protocol';

/** What automatic logs show instead of raw bytes. */
export const RAW_LABEL = '<raw-buffer>';

export class RawProtocol implements Protocol {
  readonly textFrames = UTF8_FRAMES;
  readonly raw = true;
  readonly identifiesPeer: boolean;
  private readonly _profile: Profile;

  constructor(profile: Profile) {
    this._profile = profile;
    this.identifiesPeer = profile.identifyPeer;
  }

  /** The bytes of the first value; the values after it are ignored (NODEIPC_RAW_EXTRA_ARGS, once). */
  encode(value: unknown, second: unknown, third: unknown): Uint8Array {
    ignoreRawExtras(second, third);
    return toRawBytes(value, this._profile.encoding);
  }

  streamReader(sink: MessageSink): StreamReader {
    return new RawStreamReader(sink);
  }

  datagramReader(sink: MessageSink): DatagramReader {
    return new RawDatagramReader(this._profile.maxMessageSize, sink);
  }

  streamLimits(): StreamLimits {
    return { maxPendingBytes: this._profile.maxPendingBytes, messageTimeout: this._profile.messageTimeout };
  }

  shownType(): unknown {
    return RAW_LABEL;
  }

  shownData(data: unknown): unknown {
    return this._profile.logPayloads ? data : PAYLOAD_OMITTED;
  }
}
