/**
 * The protocol of a client or server: how its calls become frames and its bytes become
 * messages. One implementation per kind, chosen ONCE when the client or server is made
 * ({@link selectProtocol}) and held in a field, so a reader of `client.ts` knows which code
 * runs and the compiler checks it:
 *
 * | kind | implementation |
 * |---|---|
 * | node-ipc 9/10 (no node-ipc 14 key set): JSON, or raw while `config.rawBuffer` | {@link LegacyProtocol} |
 * | node-ipc 14 `fast`, `guarded`, `assured` | {@link EnvelopeProtocol} |
 * | node-ipc 14 `raw` (or `rawBuffer` with 14 keys) | {@link RawProtocol} |
 * | node-ipc 14 custom parser object or class | {@link ParserProtocol} |
 * | `serialization: 'advanced'` (any profile but raw and custom) | {@link AdvancedProtocol} |
 *
 * A protocol owns its framing: it makes the reader of each connection (chunk in, messages
 * out), so the transport only moves bytes.
 */
import type { ReaderFactory } from '../codec/reader';
import type { TextFrames } from '../codec/text-frames';

/** The limits a protocol puts on one stream connection. */
export interface StreamLimits {
  /** Most unsent bytes before the connection is closed; Infinity for no limit. */
  readonly maxPendingBytes: number;
  /** Milliseconds an incomplete frame may wait; 0 for no limit. */
  readonly messageTimeout: number;
}

export interface Protocol extends ReaderFactory {
  /** Messages are raw bytes (published under `data`; no events, no requests). */
  readonly raw: boolean;
  /** A received `data.id` names the server's socket (node-ipc 9/10 always; 14 with `identifyPeer`). */
  readonly identifiesPeer: boolean;
  /**
   * How the transport turns frames that `encode` made as strings into bytes: UTF-8 for the
   * JSON protocols, Latin-1 for the advanced protocol's small frames (codec/text-frames.ts).
   */
  readonly textFrames: TextFrames;
  /**
   * The frame of one `emit` / `broadcast` call (a string is written as {@link textFrames} says). The values after the first two are named
   * parameters, never a rest array: V8 would allocate one per call. Throws for a
   * programmer's mistake (a TypeError, or an IpcError with node-ipc 14's code).
   */
  encode(type: unknown, data: unknown, more: unknown): string | Uint8Array;
  /** The limits of a new stream connection, read from the config now. */
  streamLimits(): StreamLimits;
  /** What automatic logs show for a message type. */
  shownType(type: unknown): unknown;
  /** What automatic logs show for a payload (node-ipc 14 leaves payloads out unless `logPayloads`). */
  shownData(data: unknown): unknown;
}
