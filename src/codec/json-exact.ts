/**
 * Whether a payload survives JSON exactly: `JSON.parse(JSON.stringify(value))` gives what
 * `structuredClone(value)` gives. Small payloads that do are sent as a JSON body in the
 * advanced frame (PROTOCOL.md §10.2), since V8's serializer costs several times what JSON
 * costs for a 64-byte object, on both sides; the receiver cannot tell the difference.
 *
 * Exact means a tree (no object reached twice: structured clone keeps shared references, JSON
 * copies them) of strings, finite numbers other than -0, booleans, null, plain objects (no
 * `toJSON`) and arrays without holes or extra properties. Anything else (undefined, NaN, a
 * BigInt, a Date, a Map, a Buffer, a function, ...) says no, and the payload goes to V8,
 * which keeps it or throws for it. The walk gives up after {@link MAX_NODES} objects or
 * {@link MAX_CHARS} characters: a large payload goes to V8 at once, which copies long
 * strings as bytes where JSON would escape and parse them.
 */

/** Most objects and arrays examined. */
const MAX_NODES = 32;
/** Most characters of strings and keys examined. */
const MAX_CHARS = 2048;

/** The walk's budget and the objects it has met (to refuse a shared or circular reference). */
interface Walk {
  nodes: number;
  chars: number;
  /** The object the walk started at. */
  root: object | null;
  /** The objects below the root met so far (made when the first one is met). */
  seen: object[] | null;
}

/** True when `value` is small and JSON carries it exactly (see the module comment). */
export function isJsonExact(value: unknown): boolean {
  // The common cases first, without a walk state.
  if (typeof value === 'string') return value.length <= MAX_CHARS;
  if (typeof value === 'number') return isExactNumber(value);
  if (typeof value === 'boolean' || value === null) return true;
  if (typeof value !== 'object') return false;
  return exactObject(value, { nodes: 0, chars: 0, root: null, seen: null });
}

function isExactNumber(value: number): boolean {
  return value === value && value !== Infinity && value !== -Infinity && (value !== 0 || 1 / value > 0);
}

function exact(value: unknown, walk: Walk): boolean {
  switch (typeof value) {
    case 'string':
      walk.chars += value.length;
      return walk.chars <= MAX_CHARS;
    case 'number':
      return isExactNumber(value);
    case 'boolean':
      return true;
    case 'object':
      return value === null || exactObject(value, walk);
    default:
      return false;
  }
}

function exactObject(value: object, walk: Walk): boolean {
  if (++walk.nodes > MAX_NODES) return false;
  // Most payloads are one object: the list of objects met is made when a second one comes.
  if (walk.root === null) {
    walk.root = value;
  } else {
    if (value === walk.root) return false;
    if (walk.seen === null) walk.seen = [];
    else if (walk.seen.includes(value)) return false;
    walk.seen.push(value);
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    const length = value.length;
    // A hole or a named property: structured clone keeps them, JSON does not.
    if (Object.keys(value).length !== length) return false;
    for (let i = 0; i < length; i++) if (!exact(value[i], walk)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON !== 'undefined') return false;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    walk.chars += key.length;
    if (!exact(record[key], walk)) return false;
  }
  return walk.chars <= MAX_CHARS;
}
