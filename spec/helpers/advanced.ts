/**
 * Hand-made advanced frames (PROTOCOL.md §10) for the specs that feed readers and servers
 * bytes no well-behaved sender writes.
 */
import { Serializer } from 'node:v8';
import { LATIN1_FRAMES, encodeStructured } from '../../src/codec/structured';

/** A frame around `body`: c1, `length` (the body's own unless a lie is wanted), the body, 0c. */
export function frameOf(body: Buffer, length = body.length): Buffer {
  const header = Buffer.alloc(5);
  header[0] = 0xc1;
  header.writeUInt32BE(length, 1);
  return Buffer.concat([header, body, Buffer.from([0x0c])]);
}

/** A V8 body whose type is `type`, followed by the raw bytes `rest` (its payload, or garbage). */
export function v8Body(type: unknown, rest: Buffer = Buffer.alloc(0)): Buffer {
  const serializer = new Serializer();
  serializer.writeHeader();
  serializer.writeValue(type);
  return Buffer.concat([serializer.releaseBuffer(), rest]);
}

/** The body of a whole frame. */
export function frameBody(frame: Buffer): Buffer {
  return frame.subarray(5, frame.length - 1);
}

/**
 * Where `actual` differs from `expected` (a path), or null when they are the same structured
 * value: same types (a Buffer is not a Uint8Array), Object.is for primitives (-0, NaN), the
 * same holes, keys in the same order, Map and Set entries in order, and shared or circular
 * references in the same places. Stricter than jasmine's toEqual, which matches Map keys that
 * are objects by identity and cannot tell a hole from undefined.
 */
export function cloneDifference(actual: unknown, expected: unknown, path = '$', pairs = new Map<object, object>()): string | null {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    return Object.is(actual, expected) ? null : `${path}: ${String(actual)} is not ${String(expected)}`;
  }
  const known = pairs.get(expected);
  if (known !== undefined) return known === actual ? null : `${path}: not the same shared reference`;
  pairs.set(expected, actual);
  const tag = Object.prototype.toString.call(expected);
  if (Object.prototype.toString.call(actual) !== tag || Buffer.isBuffer(actual) !== Buffer.isBuffer(expected)) return `${path}: ${Object.prototype.toString.call(actual)} is not ${tag}`;
  if (ArrayBuffer.isView(expected)) {
    const bytes = (v: ArrayBufferView): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return bytes(actual as ArrayBufferView).equals(bytes(expected)) ? null : `${path}: other bytes`;
  }
  if (expected instanceof Date || expected instanceof Number || expected instanceof String || expected instanceof Boolean || expected instanceof BigInt) {
    return Object.is((actual as Date).valueOf(), expected.valueOf()) ? null : `${path}: other value`;
  }
  if (expected instanceof RegExp) return actual instanceof RegExp && actual.source === expected.source && actual.flags === expected.flags ? null : `${path}: other RegExp`;
  if (expected instanceof Map || expected instanceof Set) {
    const a = [...(actual as Map<unknown, unknown>).entries()];
    const e = [...expected.entries()];
    if (a.length !== e.length) return `${path}: ${a.length} entries, not ${e.length}`;
    for (let i = 0; i < e.length; i++) {
      const diff = cloneDifference(a[i]![0], e[i]![0], `${path}<key ${i}>`, pairs) ?? cloneDifference(a[i]![1], e[i]![1], `${path}<${i}>`, pairs);
      if (diff !== null) return diff;
    }
    return null;
  }
  const keys = (o: object): string[] => Object.keys(o);
  if (keys(actual).join('\0') !== keys(expected).join('\0')) return `${path}: keys ${JSON.stringify(keys(actual))} are not ${JSON.stringify(keys(expected))}`;
  if (Array.isArray(expected) && (actual as unknown[]).length !== expected.length) return `${path}: other length`;
  if (expected instanceof Error && ((actual as Error).name !== expected.name || (actual as Error).message !== expected.message)) return `${path}: other error`;
  for (const key of keys(expected)) {
    const diff = cloneDifference((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`, pairs);
    if (diff !== null) return diff;
  }
  return null;
}

/** The bytes of the frame `encodeStructured` makes (a small one comes as a Latin-1 string, made bytes as a batch would). */
export function wireOf(type: string, data: unknown): Buffer {
  const frame = encodeStructured(type, data);
  return typeof frame === 'string' ? LATIN1_FRAMES.bytes(frame) : frame;
}
