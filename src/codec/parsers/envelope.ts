/**
 * The `{type, data}` envelope as node-ipc 14 writes and reads it: payloads go out as they are
 * (`null`, `''` and objects with `_maxListeners` are no longer rewritten to `{}`; only a
 * missing payload is `{}`), and the guarded reader checks the envelope and the name.
 */
import { IpcError } from '../../errors';
import type { EventPolicy } from '../event-policy';
import type { Message } from '../message';

const EMPTY_PAYLOAD = {};

/** One frame, payload untouched (node-ipc 14 `fast`). Throws what `JSON.stringify` throws. */
export function encodeEnvelope(type: string, data: unknown, delimiter: string): string {
  return JSON.stringify({ type, data: data === undefined ? EMPTY_PAYLOAD : data }) + delimiter;
}

/**
 * Parses one frame under a policy (`guarded`, `assured`): ERR_IPC_INVALID_JSON,
 * ERR_IPC_INVALID_MESSAGE for anything but a plain object (arrays too), then the policy's
 * verdict on `type`. Errors carry no part of the frame.
 */
export function decodeGuarded(frame: string | Buffer, policy: EventPolicy): Message | IpcError {
  let value: unknown;
  try {
    value = JSON.parse(typeof frame === 'string' ? frame : frame.toString());
  } catch {
    // Any throw, including a RangeError from absurd nesting: the frame is refused, never the host.
    return new IpcError('ERR_IPC_INVALID_JSON', 'Received message is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new IpcError('ERR_IPC_INVALID_MESSAGE', 'Received message must be a JSON object');
  }
  const refused = policy.check((value as { type?: unknown }).type);
  return refused === null ? value as Message : refused;
}
