/**
 * The body of an advanced frame (PROTOCOL.md §10): V8's structured clone serialization
 * (`node:v8` Serializer, the format of `v8.serialize`) of two values, the message type and
 * then its payload. What `structuredClone` can copy arrives as it would from
 * `structuredClone`: Map, Set, Date, RegExp, BigInt, Error, `undefined`, sparse arrays,
 * circular and shared references.
 *
 * A small payload that JSON carries exactly (json-exact.ts) is sent as a JSON envelope
 * instead: V8's serializer costs several times what JSON does for a 64-byte object, on both
 * sides. The first body byte tells them apart: `ff` (V8's version tag), `7b` (`{`: UTF-8 JSON)
 * or `4c` (`L`, then JSON in Latin-1, what most envelopes are sent as). A Latin-1 body is read
 * as a slice of its chunk's text, decoded once per chunk, as the JSON path reads its frames:
 * decoding each small body on its own is what made the receiver slower than JSON's.
 *
 * Typed arrays, DataViews and Buffers are written by this module, not by Node's
 * DefaultSerializer: a view's kind (a number of our own, listed in {@link VIEW_KINDS}), its
 * byte length, its bytes. So a Buffer arrives as a Buffer (`v8.serialize` makes it a
 * Uint8Array on Node 18), and the wire does not depend on the Node version's internal table.
 *
 * A received view of 64 KiB or more shares the frame's memory (no copy of a large payload);
 * a smaller one is a copy of its own, so a small value kept does not pin a large frame.
 *
 * The type is read first and checked (a string; the guarded profiles' policy) before the
 * payload is deserialized: a refused message costs no payload decoding.
 */
import * as v8 from 'node:v8';
import { IpcError } from '../errors';
import type { EventPolicy } from './event-policy';
import { isJsonExact } from './json-exact';
import { decodeFrame } from './json-reader';
import { ADVANCED_MARKER, END_BYTE, FRAME_OVERHEAD, HEADER_BYTES, invalidFrame, sealFrame, type BodyDecoder } from './length-prefixed';
import type { Message } from './message';
import type { TextFrames } from './text-frames';

/** First body byte of a V8 body (its version tag). */
const V8_BODY = 0xff;
/** First body byte of a UTF-8 JSON body (`{`). */
const JSON_BODY = 0x7b;
/** First body byte of a Latin-1 JSON body (`L`); the envelope follows it. */
const LATIN1_JSON_BODY = 0x4c;

/** Views received at least this large share the frame's memory; smaller ones are copied. */
export const SHARE_MIN_BYTES = 64 * 1024;

type ViewConstructor = { new(buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView; readonly BYTES_PER_ELEMENT?: number };

/** Host-object kinds on the wire, by index. Index 0 is Buffer; append only. */
const VIEW_KINDS: ReadonlyArray<ViewConstructor | null> = [
  null, // Buffer, handled apart: Buffer.from(arrayBuffer, offset, length)
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array, DataView,
];
const BUFFER_KIND = 0;
const KIND_OF = new Map<string, number>(VIEW_KINDS.map((ctor, kind) => [ctor === null ? 'Buffer' : ctor.name, kind]));

/** The serializer and deserializer of V8 bodies, made on first use. */
interface Codecs {
  Serializer: new () => v8.Serializer;
  Deserializer: new (buffer: Buffer) => v8.Deserializer;
}
let codecs: Codecs | null = null;

/**
 * Why this runtime cannot read or write V8 bodies, or null when it can. Node has had
 * `DefaultSerializer` since 8; Bun's `node:v8` does not implement it, and the library must
 * still load there (for JSON), so the classes below are made on first use.
 */
export function structuredCloneUnavailable(): string | null {
  if (unavailable === undefined) {
    try {
      // Bun has the classes, but their constructors throw ERR_NOT_IMPLEMENTED: try them once.
      const serializer = new v8.DefaultSerializer();
      serializer.writeHeader();
      serializer.writeValue(0);
      const deserializer = new v8.DefaultDeserializer(serializer.releaseBuffer());
      deserializer.readHeader();
      unavailable = deserializer.readValue() === 0 ? null : 'node:v8 does not read back what it writes';
    } catch (err) {
      unavailable = `node:v8's DefaultSerializer does not work here (${err instanceof Error ? err.message : String(err)})`;
    }
  }
  return unavailable;
}
/** What {@link structuredCloneUnavailable} found, once it looked. */
let unavailable: string | null | undefined;

function frameCodecs(): Codecs {
  if (codecs !== null) return codecs;
  class FrameSerializer extends v8.DefaultSerializer {
    /** Called by V8 for every ArrayBufferView (DefaultSerializer asks for that). */
    _writeHostObject(view: ArrayBufferView): void {
      const kind = Buffer.isBuffer(view) ? BUFFER_KIND : KIND_OF.get(Object.prototype.toString.call(view).slice(8, -1));
      if (kind === undefined) throw new TypeError(`${Object.prototype.toString.call(view)} could not be cloned`);
      this.writeUint32(kind);
      this.writeUint32(view.byteLength);
      this.writeRawBytes(view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
  }

  class FrameDeserializer extends v8.DefaultDeserializer {
    /** Called by V8 for each host object written by {@link FrameSerializer}. */
    _readHostObject(): ArrayBufferView {
      const kind = this.readUint32();
      const byteLength = this.readUint32();
      const bytes = this.readRawBytes(byteLength);
      if (kind === BUFFER_KIND) return byteLength >= SHARE_MIN_BYTES ? bytes : Buffer.from(bytes);
      const View = VIEW_KINDS[kind];
      if (View === undefined || View === null) throw new TypeError(`unknown host object kind ${kind}`);
      const size = View.BYTES_PER_ELEMENT ?? 1;
      if (byteLength % size !== 0) throw new RangeError(`${byteLength} bytes are not a whole number of ${View.name} elements`);
      // Typed arrays need their offset aligned to their element size: a shared view only when it is.
      if (byteLength >= SHARE_MIN_BYTES && bytes.byteOffset % size === 0) return new View(bytes.buffer, bytes.byteOffset, byteLength / size);
      const copy = new ArrayBuffer(byteLength);
      new Uint8Array(copy).set(bytes);
      return new View(copy, 0, byteLength / size);
    }
  }
  codecs = { Serializer: FrameSerializer, Deserializer: FrameDeserializer };
  return codecs;
}

/** Left for the header, which {@link sealFrame} fills in. */
const HEADER_SPACE = Buffer.alloc(HEADER_BYTES);
const END = Buffer.from([END_BYTE]);

/** What is kept per message type for its small frames. */
interface TypeHead {
  /** The envelope head `{"type":<type>,"data":`. */
  readonly head: string;
  /** Whether Latin-1 can write the head. */
  readonly latin1: boolean;
  /**
   * The frame header followed by the head, by body length, for the small bodies (messages of
   * one kind come in a few lengths): a frame is then built with two concatenations, as a JSON
   * frame is, not four.
   */
  readonly starts: string[];
}
/**
 * The heads of the types framed, so that a connection alternating types (events and their
 * replies) does not rebuild them each message. Emptied when it reaches {@link MAX_TYPES}: a
 * program that makes type names without end costs a rebuild now and then, not memory.
 */
const typeHeads = new Map<string, TypeHead>();
const MAX_TYPES = 256;
/** The last type framed and its head: most messages repeat the type before them. */
let lastType: string | null = null;
let last: TypeHead = { head: '', latin1: true, starts: [] };
/** Body lengths up to this get a cached start. */
const CACHED_LENGTHS = 4096;
/**
 * A character Latin-1 cannot write. Asked of a whole batch of frames, not of each message: V8
 * answers at once for a string it stores one byte per character, but the call itself costs
 * as much as making a small frame (so does `Buffer.byteLength`).
 */
const NOT_LATIN1 = /[\u0100-\uffff]/;
const TAIL = `}${String.fromCharCode(END_BYTE)}`;

/** The frame header (marker, length) and body kind of a Latin-1 body of `length` bytes, as latin1 text. */
function textHeader(length: number): string {
  return String.fromCharCode(ADVANCED_MARKER, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff, LATIN1_JSON_BODY);
}

/**
 * One whole advanced frame: header, body, end byte. A V8 body comes in a Buffer of its own,
 * written in place, no copy after serialization. A JSON envelope (the common small message)
 * goes in a Latin-1 body, as a string whose characters are the frame's bytes: a string is
 * cheaper to make and to batch than a Buffer per message. Whether Latin-1 can write it is not
 * asked here but once per batch ({@link LATIN1_FRAMES}), which frames the rare one that holds
 * a character past U+00FF again, in a UTF-8 body. Throws what V8 throws for a value it cannot
 * clone (a function, a symbol, a class V8 does not know as a host object), or a RangeError for
 * nesting deeper than the stack allows.
 */
export function encodeStructured(type: string, data: unknown): Buffer | string {
  if (isJsonExact(data)) {
    // JSON.stringify({type, data}) without the object: the head is kept per type.
    const body = JSON.stringify(data);
    if (type !== lastType) {
      last = typeHead(type);
      lastType = type;
    }
    const { head, starts } = last;
    if (!last.latin1) return utf8Frame(`${head}${body}}`);
    // The kind byte, the envelope's head and body, its closing brace.
    const length = 1 + head.length + body.length + 1;
    if (length > CACHED_LENGTHS) return textHeader(length) + head + body + TAIL;
    let start = starts[length];
    if (start === undefined) starts[length] = start = textHeader(length) + head;
    return start + body + TAIL;
  }
  const serializer = new (frameCodecs().Serializer)();
  serializer.writeRawBytes(HEADER_SPACE);
  serializer.writeHeader();
  serializer.writeValue(type);
  serializer.writeValue(data);
  serializer.writeRawBytes(END);
  return sealFrame(serializer.releaseBuffer());
}

/** The kept head of `type`, made on its first frame. */
function typeHead(type: string): TypeHead {
  let kept = typeHeads.get(type);
  if (kept === undefined) {
    if (typeHeads.size >= MAX_TYPES) typeHeads.clear();
    const head = `{"type":${JSON.stringify(type)},"data":`;
    kept = { head, latin1: !NOT_LATIN1.test(head), starts: [] };
    typeHeads.set(type, kept);
  }
  return kept;
}

/** The frame of a JSON envelope in a UTF-8 body. */
function utf8Frame(envelope: string): Buffer {
  const frame = Buffer.allocUnsafe(Buffer.byteLength(envelope) + FRAME_OVERHEAD);
  frame.write(envelope, HEADER_BYTES);
  frame[frame.length - 1] = END_BYTE;
  return sealFrame(frame);
}

/**
 * The bytes of Latin-1 frames joined in a string. The rare frame with a character Latin-1
 * cannot write (its header counts characters, not bytes) is framed again, its envelope in a
 * UTF-8 body.
 */
function latin1FrameBytes(text: string): Buffer {
  if (!NOT_LATIN1.test(text)) return Buffer.from(text, 'latin1');
  const parts: Buffer[] = [];
  let at = 0;
  while (at < text.length) {
    // As encodeStructured wrote it: the marker, the body length in four characters, the kind
    // byte, the envelope, the end byte.
    const length = ((text.charCodeAt(at + 1) << 24) | (text.charCodeAt(at + 2) << 16) | (text.charCodeAt(at + 3) << 8) | text.charCodeAt(at + 4)) >>> 0;
    const end = at + HEADER_BYTES + length + 1;
    const frame = text.slice(at, end);
    parts.push(NOT_LATIN1.test(frame) ? utf8Frame(frame.slice(HEADER_BYTES + 1, -1)) : Buffer.from(frame, 'latin1'));
    at = end;
  }
  return Buffer.concat(parts);
}

/** How the advanced protocol's string frames become bytes (codec/text-frames.ts). */
export const LATIN1_FRAMES: TextFrames = {
  encoding: 'latin1',
  writable: (text) => !NOT_LATIN1.test(text),
  bytes: latin1FrameBytes,
};

/**
 * The message of one frame body, `source[start, end)`, or the error it is. A JSON body: what the
 * JSON path reports (ERR_IPC_INVALID_JSON, ...). A V8 body: ERR_IPC_INVALID_FRAME when V8 cannot
 * deserialize it (bad bytes, an unknown version, nesting deeper than the stack), then
 * ERR_IPC_INVALID_EVENT for a type that is not a string, then the policy's verdict. Never
 * throws. Errors carry nothing of the frame.
 */
export function decodeStructured(source: Buffer, policy: EventPolicy | null, start = 0, end = source.length): Message | IpcError {
  const kind = start < end ? source[start] : -1;
  if (kind === LATIN1_JSON_BODY) return decodeFrame(source.toString('latin1', start + 1, end), policy);
  // No encoding named: Buffer#toString's UTF-8 fast path.
  if (kind === JSON_BODY) return decodeFrame(source.toString(undefined, start, end), policy);
  if (kind !== V8_BODY) return invalidFrame('has a body that is neither a V8 serialization nor JSON');
  let deserializer: v8.Deserializer;
  let type: unknown;
  try {
    deserializer = new (frameCodecs().Deserializer)(source.subarray(start, end));
    deserializer.readHeader();
    type = deserializer.readValue();
  } catch (err) {
    return invalidFrame('has a body that does not deserialize', err);
  }
  if (typeof type !== 'string') return new IpcError('ERR_IPC_INVALID_EVENT', 'Invalid message: its type is not a string');
  if (policy !== null) {
    const refused = policy.check(type);
    if (refused !== null) return refused;
  }
  try {
    return { type, data: deserializer.readValue() };
  } catch (err) {
    return invalidFrame('has a payload that does not deserialize', err);
  }
}

/**
 * The body decoder of one connection: {@link decodeStructured}, except that the Latin-1 bodies
 * of a chunk are slices of one text, decoded from the first of them to the chunk's end. The
 * text is dropped when the reader is done with the chunk ({@link release}), so an idle
 * connection holds neither.
 */
export class StructuredBodyDecoder implements BodyDecoder {
  private readonly _policy: EventPolicy | null;
  /** The chunk whose text is held, and where in it the text starts. */
  private _source: Buffer | null = null;
  private _from = 0;
  private _text = '';

  constructor(policy: EventPolicy | null) {
    this._policy = policy;
  }

  decode(source: Buffer, start: number, end: number): Message | IpcError {
    if (source[start] !== LATIN1_JSON_BODY || start >= end) return decodeStructured(source, this._policy, start, end);
    if (source !== this._source || start < this._from) {
      this._source = source;
      this._from = start;
      this._text = source.toString('latin1', start, source.length);
    }
    const from = this._from;
    return decodeFrame(this._text.slice(start + 1 - from, end - from), this._policy);
  }

  release(): void {
    if (this._source === null) return;
    this._source = null;
    this._text = '';
  }
}
