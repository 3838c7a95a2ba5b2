/**
 * Raw mode (`rawBuffer: true`): no JSON and no framing; what is emitted is written as bytes.
 */
import { invalidArgument } from '../errors';

/**
 * The bytes of every value, in order. node-ipc passed only its first argument through
 * `Buffer.from`; strings, Buffers, typed arrays and byte arrays all go out here.
 *
 * A single Buffer, Uint8Array or ArrayBuffer comes back as (a view of) the CALLER'S memory,
 * not a copy: whoever keeps the bytes past the call copies them (a connection's write batch
 * copies into its slab; see {@link detachFrame} for the rest).
 * @throws TypeError for anything else (a number, an object, undefined).
 */
export function toRawBytes(first: unknown, rest: readonly unknown[], encoding: BufferEncoding): Uint8Array {
  // The common call, emit(buffer), builds no array.
  if (rest.length === 0) return toBytes(first, encoding, 0);
  const parts: Uint8Array[] = [toBytes(first, encoding, 0)];
  for (let i = 0; i < rest.length; i++) parts.push(toBytes(rest[i], encoding, i + 1));
  return Buffer.concat(parts);
}

/**
 * A frame that is kept past the emit that made it (offline, in the sync queue, on a socket
 * that is not ours): a string as it is, bytes copied, since they may be the caller's buffer
 * and the caller may change it once emit returns.
 */
export function detachFrame(frame: string | Uint8Array): string | Buffer {
  return typeof frame === 'string' ? frame : copyBytes(frame);
}

/** A copy of `bytes` in a Buffer of its own. */
export function copyBytes(bytes: Uint8Array): Buffer {
  // allocUnsafe + set: Buffer.from(view) takes the generic array-like path (valueOf, length checks).
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

function toBytes(value: unknown, encoding: BufferEncoding, index: number): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, encoding);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return Buffer.from(value as number[]);
  throw invalidArgument(`data[${index}]`, 'a string, Buffer, Uint8Array, ArrayBuffer or array of byte values', value);
}
