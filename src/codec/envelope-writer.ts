/**
 * Writes `{type, data}` envelopes without building the object: the text
 * `{"type":<type>,"data":<data>}` is put together from `JSON.stringify(data)` and a head
 * (`{"type":"<type>","data":`) kept per type, since a connection sends the same few types
 * over and over. Byte for byte what `JSON.stringify({type, data})` makes.
 *
 * Two payloads take the object path, where the result would differ: one whose `toJSON` may
 * look at its key (`JSON.stringify` calls `data.toJSON('data')` inside the object, `('')`
 * alone), and one that has no JSON (a function, a symbol: the object path leaves `data` out).
 */
/** Most heads kept; emptied when reached, so endless type names cost a rebuild, not memory. */
const MAX_TYPES = 256;

export class EnvelopeWriter {
  private _type: string | null = null;
  private _head = '';
  /** The head of each type written: events and their replies alternate types. */
  private readonly _heads = new Map<string, string>();
  private _delimiter: string | null = null;
  private _tail = '';

  /** One frame: the envelope of `type` and `data`, then `delimiter`. Throws what `JSON.stringify` throws. */
  write(type: string, data: unknown, delimiter: string): string {
    if (typeof data === 'bigint' || (typeof data === 'object' && data !== null && typeof (data as { toJSON?: unknown }).toJSON === 'function')) {
      return JSON.stringify({ type, data }) + delimiter;
    }
    const body = JSON.stringify(data) as string | undefined;
    if (body === undefined) return JSON.stringify({ type, data }) + delimiter;
    if (type !== this._type) {
      this._type = type;
      this._head = this._headOf(type);
    }
    if (delimiter !== this._delimiter) {
      this._delimiter = delimiter;
      this._tail = `}${delimiter}`;
    }
    return this._head + body + this._tail;
  }

  private _headOf(type: string): string {
    let head = this._heads.get(type);
    if (head === undefined) {
      if (this._heads.size >= MAX_TYPES) this._heads.clear();
      head = `{"type":${JSON.stringify(type)},"data":`;
      this._heads.set(type, head);
    }
    return head;
  }
}
