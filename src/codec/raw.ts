/**
 * Raw mode (`rawBuffer: true`): no JSON and no framing; what is emitted is written as bytes.
 */
import { invalidArgument } from '../errors';

/**
 * The bytes of every value, in order. node-ipc passed only its first argument through
 * `Buffer.from`; strings, Buffers, typed arrays and byte arrays all go out here.
 * @throws TypeError for anything else (a number, an object, undefined).
 */
export function toRawBytes(first: unknown, rest: readonly unknown[], encoding: BufferEncoding): Buffer {
  // The common call, emit(buffer), builds no array.
  if (rest.length === 0) return toBytes(first, encoding, 0);
  const parts: Buffer[] = [toBytes(first, encoding, 0)];
  for (let i = 0; i < rest.length; i++) parts.push(toBytes(rest[i], encoding, i + 1));
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
