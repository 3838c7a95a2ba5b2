/**
 * Raw mode (`rawBuffer: true`): no JSON and no framing; what is emitted is written as bytes.
 */
import { invalidArgument } from '../errors';

/** What raw-mode `emit` accepts: text in `config.encoding`, bytes, or an array of byte values. */
export type RawPayload = string | Uint8Array | ArrayBuffer | readonly number[];

/**
 * The bytes of every value, in order. node-ipc passed only its first argument through
 * `Buffer.from`; strings, Buffers, typed arrays and byte arrays all go out here.
 * @throws TypeError for anything else (a number, an object, undefined).
 */
export function toRawBytes(values: readonly unknown[], encoding: BufferEncoding): Buffer {
  if (values.length === 1) return toBytes(values[0], encoding, 0);
  const parts: Buffer[] = [];
  for (let i = 0; i < values.length; i++) parts.push(toBytes(values[i], encoding, i));
  return Buffer.concat(parts);
}

function toBytes(value: unknown, encoding: BufferEncoding, index: number): Buffer {
  if (typeof value === 'string') return Buffer.from(value, encoding);
  // A copy: writes are batched to the end of the tick, and a caller may reuse its buffer.
  // allocUnsafe + set: Buffer.from(view) takes the generic array-like path (valueOf, length checks).
  if (value instanceof Uint8Array) {
    const copy = Buffer.allocUnsafe(value.length);
    copy.set(value);
    return copy;
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (Array.isArray(value)) return Buffer.from(value as number[]);
  throw invalidArgument(`data[${index}]`, 'a string, Buffer, Uint8Array, ArrayBuffer or array of byte values', value);
}
