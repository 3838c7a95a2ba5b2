/**
 * What a typed line (stdin of `listen` and `connect`) or a `[data]` argument means.
 *
 * - `type {json}` / `type text`: a message; the data is JSON when it parses as JSON (`{...}`,
 *   `[...]`, `"..."`, `42`, `true`, `null`), otherwise the text as a string. Data that starts
 *   with `{`, `[` or `"` must be valid JSON: such a line is refused, not sent as text.
 * - `type` alone: a message without data.
 * - `@3 type data` (listen): to client #3 only, instead of every client.
 * - `.request type data`, `.exit` (connect): commands of the command line itself.
 * - raw mode (`--raw`): the line's text as bytes, in `--encoding` (`hex` lets you type any byte).
 */

/** What one line asks for. */
export type TypedLine =
  | { readonly kind: 'empty' }
  | { readonly kind: 'message'; readonly type: string; readonly data: unknown; readonly to?: number }
  | { readonly kind: 'raw'; readonly bytes: Buffer; readonly to?: number }
  | { readonly kind: 'request'; readonly type: string; readonly data: unknown }
  | { readonly kind: 'exit' }
  | { readonly kind: 'bad'; readonly reason: string };

/** How lines are read. */
export interface LineMode {
  readonly raw: boolean;
  readonly encoding: BufferEncoding;
  /** Accept `.request` and `.exit` (connect). */
  readonly commands: boolean;
  /** Accept `@N` before a message (listen). */
  readonly addressed: boolean;
}

/** Data text: `{ok: true, value}` (JSON, or the text itself), or why JSON-looking text was refused. */
export function parseData(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    if (/^[[{"]/.test(text)) return { ok: false, reason: `the data is not valid JSON (${(err as Error).message})` };
    return { ok: true, value: text };
  }
}

/** Bytes of raw text in `encoding`; refuses text that is not what the encoding reads (Node would drop it silently). */
export function parseBytes(text: string, encoding: BufferEncoding): { ok: true; value: Buffer } | { ok: false; reason: string } {
  if (encoding === 'hex' && !/^(?:[0-9a-fA-F]{2})*$/.test(text.replace(/\s+/g, ''))) {
    return { ok: false, reason: 'hex needs pairs of hex digits (0-9, a-f)' };
  }
  if ((encoding === 'base64' || encoding === 'base64url') && !/^[A-Za-z0-9+/_=-]*$/.test(text.replace(/\s+/g, ''))) {
    return { ok: false, reason: `not ${encoding} text` };
  }
  const clean = encoding === 'hex' || encoding === 'base64' || encoding === 'base64url' ? text.replace(/\s+/g, '') : text;
  return { ok: true, value: Buffer.from(clean, encoding) };
}

/** Reads one line (without its newline). */
export function parseLine(line: string, mode: LineMode): TypedLine {
  let text = line.replace(/\r$/, '');
  let to: number | undefined;
  if (mode.addressed) {
    const address = /^@(\S*)\s*/.exec(text);
    if (address !== null) {
      if (!/^[1-9]\d*$/.test(address[1] as string)) return { kind: 'bad', reason: `@${address[1] as string} is not a client number (write @1, @2, ...)` };
      to = Number(address[1]);
      text = text.slice(address[0].length);
    }
  }
  if (mode.raw) {
    if (text.length === 0) return { kind: 'empty' };
    const bytes = parseBytes(text, mode.encoding);
    if (!bytes.ok) return { kind: 'bad', reason: bytes.reason };
    return to === undefined ? { kind: 'raw', bytes: bytes.value } : { kind: 'raw', bytes: bytes.value, to };
  }
  text = text.trim();
  if (text.length === 0) return to === undefined ? { kind: 'empty' } : { kind: 'bad', reason: `@${to} needs a message after it` };
  if (mode.commands && text.startsWith('.')) return command(text);
  const message = typeAndData(text);
  if (message.kind !== 'message' || to === undefined) return message;
  return { ...message, to };
}

function command(text: string): TypedLine {
  const [name = '', ...rest] = text.split(/\s+/);
  if (name === '.exit') return rest.length === 0 ? { kind: 'exit' } : { kind: 'bad', reason: '.exit takes nothing after it' };
  if (name === '.request') {
    const message = typeAndData(text.slice(name.length).trim());
    if (message.kind === 'message') return { kind: 'request', type: message.type, data: message.data };
    if (message.kind === 'empty') return { kind: 'bad', reason: '.request needs a type: .request <type> [data]' };
    return message;
  }
  return { kind: 'bad', reason: `unknown command ${name} (commands: .request <type> [data], .exit)` };
}

function typeAndData(text: string): TypedLine {
  if (text.length === 0) return { kind: 'empty' };
  const space = text.search(/\s/);
  const type = space === -1 ? text : text.slice(0, space);
  const rest = space === -1 ? '' : text.slice(space).trim();
  if (rest.length === 0) return { kind: 'message', type, data: undefined };
  const data = parseData(rest);
  if (!data.ok) return { kind: 'bad', reason: data.reason };
  return { kind: 'message', type, data: data.value };
}
