/**
 * What the cases have in common: their shape, and the round trips of the adapter contract
 * (docs/PROTOCOL.md §11.2) every case is built from.
 */
import type { Mode } from './launch';
import type { Kit } from './session';
import { Mismatch, frameOf, same, show, type Conn, type Envelope } from './wire';

/** One case of the kit: its stable name, the PROTOCOL.md section it checks, and how. */
export interface Case {
  /** `area.what`, kebab-case; stable (scripts pass it to --case and --expect-fail). */
  readonly name: string;
  /** The section of docs/PROTOCOL.md it checks, as `2.2`. */
  readonly section: string;
  /** The mode group it runs in. */
  readonly mode: Mode;
  /** Only for a peer in this role; SKIP in the other. */
  readonly role?: 'server' | 'client';
  /** Each wait may take this many times `--timeout` (default 1): for cases that move many bytes. */
  readonly patience?: number;
  /** Resolves (with a note for the PASS line, if any) or rejects with a {@link Mismatch}. */
  run(kit: Kit): Promise<string | void>;
}

/** The next frame, which must be of `type`. */
export async function expectType(conn: Conn, type: string, what: string): Promise<Envelope> {
  const message = await conn.message(what);
  if (message.type !== type) throw new Mismatch(`${what}: got a ${JSON.stringify(message.type)} frame with ${show(message.data)}`);
  return message;
}

/** The next frame, which must be `echo` with `data`. */
export async function echoed(conn: Conn, data: unknown, what = `the echo of ${show(data)}`): Promise<void> {
  same(what, (await expectType(conn, 'echo', what)).data, data);
}

/** Sends `echo` with `data` in one write and checks what comes back. */
export async function roundTrip(kit: Kit, conn: Conn, data: unknown): Promise<void> {
  await conn.send(frameOf('echo', data, kit.delimiter));
  await echoed(conn, data);
}

/** That the peer still serves: a connection (server role: a new one) whose echo comes back. */
export async function served(kit: Kit): Promise<void> {
  let conn: Conn;
  try {
    conn = await kit.open();
  } catch (err) {
    throw new Mismatch(`afterwards no connection was served: ${(err as Error).message}`);
  }
  await roundTrip(kit, conn, { still: 'served' });
}

/**
 * §3.2 / §3.3: `sent` may come back as itself (node-ipc 14's profiles) or as `{}` (the 9/10
 * profile, which writes `{}` for `null`, `''` and no payload). Returns which one the peer showed.
 */
export async function eitherProfile(kit: Kit, sent: unknown, what: string): Promise<string> {
  const conn = await kit.open();
  await conn.send(frameOf('echo', sent, kit.delimiter));
  const message = await expectType(conn, 'echo', `the echo of ${what}`);
  if (sent === undefined && !message.hasData) return 'no data member';
  if (message.hasData && typeof message.data === 'object' && message.data !== null && !Array.isArray(message.data) && Object.keys(message.data).length === 0) {
    // No payload is {} in every profile; only null and '' tell the profiles apart.
    return sent === undefined ? '{}, as every profile writes it' : `9/10 profile ({} for ${what})`;
  }
  if (sent !== undefined && message.hasData) {
    same(`the echo of ${what}`, message.data, sent);
    return `node-ipc 14 profile (${what} as sent)`;
  }
  throw new Mismatch(`the echo of ${what}: got ${message.hasData ? show(message.data) : 'no data member'}, expected ${sent === undefined ? '{}' : `${show(sent)} or {}`}`);
}

/** A bad frame, then a good one: the peer drops the bad one and goes on (9/10 profile), or closes and still serves new connections (node-ipc 14's profiles). */
export async function survives(kit: Kit, garbage: Buffer): Promise<string> {
  const conn = await kit.open();
  await conn.send(garbage);
  try {
    await roundTrip(kit, conn, { after: 'garbage' });
    return 'dropped it, the connection goes on';
  } catch (err) {
    if (!conn.ended) throw err;
  }
  await served(kit);
  return 'closed that connection, serves new ones';
}

/** A string of `bytes` UTF-8 bytes (a multiple of 32) with everything JSON escapes or frames care about. */
export function bigText(bytes: number): string {
  const unit = 'node-ipc "q" \\ \f\u2028 é€😀 ab'; // 32 bytes
  return unit.repeat(Math.floor(bytes / 32));
}

/** A 32-bit xorshift: the same "random" bytes on every run, so a failure can be replayed. */
export function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
