/**
 * Which event names may cross the wire under the `guarded` and `assured` profiles: one
 * check, applied where a frame becomes a message and where a message becomes a frame
 * (STYLE 6.11 "Policy"). node-ipc 14's rules and codes:
 *
 * - a name is a non-empty string (ERR_IPC_INVALID_EVENT) of at most `maxEventNameLength`
 *   characters (ERR_IPC_EVENT_TOO_LARGE);
 * - never a name of `Object.prototype` such as `__proto__` or `constructor` (ERR_IPC_INVALID_EVENT);
 * - never a lifecycle name unless `allowReservedEvents` (ERR_IPC_RESERVED_EVENT);
 * - `assured`: only names in `allowedEvents` (ERR_IPC_EVENT_NOT_ALLOWED).
 *
 * Errors never contain the name itself: a hostile peer chooses it, and it would otherwise be
 * echoed into error handlers and logs.
 */
import { IpcError, type IpcErrorCode } from '../errors';

/** What {@link EventPolicy} remembers before any name passed: `null` or `''` would match a caller's value. */
const NONE_YET = Symbol('none yet');

/** Names a peer may not send, because they mean something locally (node-ipc 14's list). */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'start', 'connect', 'disconnect', 'destroy', 'close', 'socket.disconnected', 'error', 'data',
]);

/** Names inherited by every object: a dispatcher keyed by plain objects would find them. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The limits of one client or server, fixed when it is made. */
export interface EventPolicyOptions {
  /** Longest accepted name, in UTF-16 units (node-ipc 14 counts `string.length`). */
  maxEventNameLength: number;
  /** Lifecycle names pass (guarded only). */
  allowReservedEvents: boolean;
  /** The only names that pass (assured), or null for any. */
  allowedEvents: ReadonlySet<string> | null;
}

export class EventPolicy {
  private readonly _maxLength: number;
  private readonly _allowReserved: boolean;
  private readonly _allowed: ReadonlySet<string> | null;
  /** Every name refused whatever its length: prototype names, and reserved ones unless allowed. */
  private readonly _blocked: ReadonlySet<string>;
  /** assured: the allow-list without the names refused anyway, so one lookup decides. */
  private readonly _passing: ReadonlySet<string> | null;
  /** The last name that passed; until one has, a value no caller can hold. */
  private _lastPassed: string | typeof NONE_YET = NONE_YET;

  constructor(options: EventPolicyOptions) {
    this._maxLength = options.maxEventNameLength;
    this._allowReserved = options.allowReservedEvents;
    this._allowed = options.allowedEvents;
    this._blocked = new Set([...PROTOTYPE_NAMES, ...(this._allowReserved ? [] : RESERVED_EVENTS)]);
    this._passing = this._allowed === null ? null
      : new Set([...this._allowed].filter((name) => typeof name === 'string' && name.length > 0 && name.length <= this._maxLength && !this._blocked.has(name)));
  }

  /**
   * Null when `type` may cross the wire, else the error saying why (without the name).
   * One set lookup for a name that passes (this runs twice per message: on send and receive).
   */
  check(type: unknown): IpcError | null {
    // A connection sends and receives the same few names over and over: the last one that
    // passed passes again without the set lookup (the policy never changes).
    if (type === this._lastPassed) return null;
    if (typeof type !== 'string') return this._refuse(type);
    const passing = this._passing;
    if (passing !== null) {
      if (!passing.has(type)) return this._refuse(type);
    } else if (type.length === 0 || type.length > this._maxLength || this._blocked.has(type)) {
      return this._refuse(type);
    }
    this._lastPassed = type;
    return null;
  }

  /** Why `type` is refused, in node-ipc 14's order of checks. */
  private _refuse(type: unknown): IpcError {
    if (typeof type !== 'string' || type.length === 0) return refuse('ERR_IPC_INVALID_EVENT', 'The event type must be a non-empty string');
    if (type.length > this._maxLength) return refuse('ERR_IPC_EVENT_TOO_LARGE', `The event type is longer than maxEventNameLength (${this._maxLength})`);
    if (PROTOTYPE_NAMES.has(type)) return refuse('ERR_IPC_INVALID_EVENT', 'The event type is a name of Object.prototype');
    if (!this._allowReserved && RESERVED_EVENTS.has(type)) return refuse('ERR_IPC_RESERVED_EVENT', 'The event type is reserved for local lifecycle events');
    return refuse('ERR_IPC_EVENT_NOT_ALLOWED', 'The event type is not in allowedEvents');
  }
}

function refuse(code: IpcErrorCode, message: string): IpcError {
  return new IpcError(code, message);
}
