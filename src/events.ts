/**
 * The local listener hub of clients and servers, with the semantics of `event-pubsub`
 * (the dependency node-ipc used): `on`, `once`, `off(type, fn)`, `off(type, '*')`, and a
 * `'*'` catch-all that receives `(type, ...args)` after the type's own listeners.
 *
 * Unlike Node's EventEmitter it never throws for an `error` nobody listens to: event names
 * come from the wire, and a peer must not be able to crash the host. Listeners live in a
 * `Map`, so a peer sending type `__proto__` or `constructor` reaches nothing.
 * Listener arrays are copy-on-write, so dispatch allocates nothing and a listener that adds
 * or removes listeners does not disturb the dispatch in progress.
 */
import { invalidArgument } from './errors';
import type { AnyListener, AnyListeners } from './event-map';

/** Any listener: node-ipc handlers are untyped by default. */
export type Listener = AnyListener;

interface Entry {
  readonly fn: Listener;
  readonly once: boolean;
}

const NO_ENTRIES: readonly Entry[] = Object.freeze([]);

/**
 * Local listeners of a client or server. `L` maps event types to handler types (see
 * `event-map.ts`); the default accepts any name and any handler.
 */
export class EventHub<L extends object = AnyListeners> {
  private readonly _listeners = new Map<string, readonly Entry[]>();
  /** The `'*'` entries, kept apart so a dispatch costs one Map lookup, not two. */
  private _catchAll: readonly Entry[] | undefined = undefined;

  /** Adds `handler` for `type`; `'*'` receives every event as `(type, ...args)`. */
  on<K extends keyof L & string>(type: K, handler: L[K]): this;
  on(type: string, handler: Listener): this {
    return this._add(type, handler, false);
  }

  /** Like {@link on}, removed after its first call. */
  once<K extends keyof L & string>(type: K, handler: L[K]): this;
  once(type: string, handler: Listener): this {
    return this._add(type, handler, true);
  }

  /** Removes `handler` from `type`; `off(type, '*')` removes every handler of `type`. */
  off<K extends keyof L & string>(type: K, handler: L[K] | '*'): this;
  off(type: string, handler: Listener | '*'): this {
    if (typeof type !== 'string') throw invalidArgument('type', 'a string', type);
    const entries = this._listeners.get(type);
    if (entries === undefined) return this;
    if (handler === '*') {
      this._set(type, NO_ENTRIES);
      return this;
    }
    if (typeof handler !== 'function') {
      throw invalidArgument('handler', "a function or '*' (to remove every handler of the type)", handler);
    }
    this._set(type, entries.filter((entry) => entry.fn !== handler));
    return this;
  }

  /** How many handlers `type` has (`'*'` counts the catch-all ones). */
  listenerCount(type: string): number {
    if (typeof type !== 'string') throw invalidArgument('type', 'a string', type);
    return (this._listeners.get(type) ?? NO_ENTRIES).length;
  }

  /** The event types that have handlers. */
  eventNames(): string[] {
    return [...this._listeners.keys()];
  }

  /**
   * Dispatches locally (node-ipc's `publish`/`trigger`): `emit` on clients and servers
   * SENDS to the peer instead.
   */
  publish(type: string, ...args: unknown[]): this {
    if (typeof type !== 'string') throw invalidArgument('type', 'a string', type);
    const entries = this._listeners.get(type);
    if (entries !== undefined) this._call(type, entries, args);
    const catchAll = this._catchAll;
    if (catchAll !== undefined) this._call('*', catchAll, [type, ...args]);
    return this;
  }

  /** Alias of {@link on}, as in event-pubsub. */
  subscribe<K extends keyof L & string>(type: K, handler: L[K]): this;
  subscribe(type: string, handler: Listener): this {
    return (this as EventHub).on(type, handler) as this;
  }

  /** Alias of {@link off}, as in event-pubsub. */
  unSubscribe<K extends keyof L & string>(type: K, handler: L[K] | '*'): this;
  unSubscribe(type: string, handler: Listener | '*'): this {
    return (this as EventHub).off(type, handler) as this;
  }

  /** Alias of {@link publish}, as in event-pubsub. */
  trigger(type: string, ...args: unknown[]): this {
    return this.publish(type, ...args);
  }

  /**
   * Hot-path dispatch of a received message: no rest-array unless someone listens on `'*'`.
   * `argc` keeps `arguments.length` what the old library gave (1 on clients, 2 on servers).
   */
  protected dispatchMessage(type: string, data: unknown, from: unknown, argc: 1 | 2): void {
    const entries = this._listeners.get(type);
    if (entries !== undefined) {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i] as Entry;
        if (entry.once) this._removeEntry(type, entry);
        if (argc === 1) entry.fn.call(this, data);
        else entry.fn.call(this, data, from);
      }
    }
    const catchAll = this._catchAll;
    if (catchAll !== undefined) this._call('*', catchAll, argc === 1 ? [type, data] : [type, data, from]);
  }

  private _call(type: string, entries: readonly Entry[], args: unknown[]): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry;
      if (entry.once) this._removeEntry(type, entry);
      entry.fn.apply(this, args);
    }
  }

  private _add(type: string, handler: Listener, once: boolean): this {
    if (typeof type !== 'string') throw invalidArgument('type', 'a string', type);
    // event-pubsub threw a ReferenceError here; a TypeError names the mistake better.
    if (typeof handler !== 'function') throw invalidArgument('handler', 'a function', handler);
    const entries = this._listeners.get(type) ?? NO_ENTRIES;
    this._set(type, [...entries, { fn: handler, once }]);
    return this;
  }

  private _removeEntry(type: string, entry: Entry): void {
    const entries = this._listeners.get(type);
    if (entries !== undefined) this._set(type, entries.filter((other) => other !== entry));
  }

  /** Every change of the listeners goes through here. */
  private _set(type: string, entries: readonly Entry[]): void {
    if (entries.length === 0) this._listeners.delete(type);
    else this._listeners.set(type, entries);
    if (type === '*') this._catchAll = entries.length === 0 ? undefined : entries;
  }
}

