/**
 * Writes `{type, data}` envelopes without building the object: the text
 * `{"type":<type>,"data":<data>}` is put together from `JSON.stringify(data)` and a head
 * (`{"type":"<type>","data":`) kept for the last type written, since a connection sends the
 * same few types over and over. Byte for byte what `JSON.stringify({type, data})` makes.
 *
 * Two payloads take the object path, where the result would differ: one whose `toJSON` may
 * look at its key (`JSON.stringify` calls `data.toJSON('data')` inside the object, `('')`
 * alone), and one that has no JSON (a function, a symbol: the object path leaves `data` out).
 */
export class EnvelopeWriter {
  private _type: string | null = null;
  private _head = '';
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
      this._head = `{"type":${JSON.stringify(type)},"data":`;
    }
    if (delimiter !== this._delimiter) {
      this._delimiter = delimiter;
      this._tail = `}${delimiter}`;
    }
    return this._head + body + this._tail;
  }
}
