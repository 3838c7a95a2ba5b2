/**
 * How the kit reaches the implementation under test for one mode group, in either role
 * (docs/PROTOCOL.md §11.1):
 *
 * - {@link ServerSession}: the peer is a server; every `open()` is a new connection to it.
 *   With a command, the kit starts it listening on a socket in a temporary directory and
 *   waits until it accepts a connection.
 * - {@link ClientSession}: the peer is a client; the kit listens and starts the command.
 *   `open()` hands out the client's live connection; once the client closed it (a case asked
 *   it to, or it closed on garbage), the next `open()` waits for the client to reconnect, and
 *   starts the command again (on a new socket, so a late connection of the old process is
 *   never taken for the new one's) when it exited or did not come back.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Launch, delimiterOf, type Mode } from './launch';
import { Conn, Mismatch } from './wire';

/** Where the peer is: a socket path or TCP. */
export type Address = { readonly path: string } | { readonly host: string; readonly port: number };

/** What a case gets: its connections and the settings they use. */
export interface Kit {
  /** The role of the implementation under test. */
  readonly role: 'server' | 'client';
  /** The delimiter of this group (empty in raw mode). */
  readonly delimiter: Buffer;
  /** A live connection to the peer (server role: always a new one). */
  open(): Promise<Conn>;
}

/** Cases that move a lot of bytes wait this many times `--timeout`: a slow reader is not a protocol fault. */
export interface Patience {
  /** Set by the runner for each case; connections handed out get `timeout * patience`. */
  patience: number;
}

/** How long a peer has to become ready: a server to accept, a client to connect (the contract's 10 s). */
export const READY_MS = 10000;
/** How long a client that closed its connection has to come back before the kit starts it again. */
const RECONNECT_MS = 1500;

/** A session of one group, closed after its cases. */
export interface Session extends Kit, Patience {
  /** Resolves once the peer is ready; rejects with why not. */
  ready(): Promise<void>;
  /**
   * After each case: a server's connections are closed (each case starts from new ones); a
   * client's is dropped when the case failed or left frames unread, so the next case does not
   * read them (the client reconnects).
   */
  after(failed: boolean): void;
  /** Closes every connection, stops the listener and the command. */
  close(): Promise<void>;
}

function bytesOf(mode: Mode): Buffer {
  return Buffer.from(delimiterOf(mode) ?? '', 'utf8');
}

/** The contract's `NODE_IPC_CONFORMANCE_TARGET` for an address. */
export function targetText(address: Address): string {
  return 'path' in address ? `unix:${address.path}` : `tcp:${address.host}:${address.port}`;
}

/** Connects once; rejects with the system's code. */
function dial(address: Address, timeout: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in address ? createConnection(address.path) : createConnection(address.port, address.host);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Mismatch(`no connection within ${timeout} ms`));
    }, timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Mismatch(`cannot connect: ${err.code ?? err.message}`));
    });
  });
}

/** The peer is a server. */
export class ServerSession implements Session {
  readonly role = 'server';
  readonly delimiter: Buffer;
  patience = 1;
  private readonly _conns = new Set<Conn>();
  private _launch: Launch | undefined;

  constructor(
    private readonly _address: Address,
    private readonly _mode: Mode,
    private readonly _timeout: number,
    private readonly _command: readonly string[] | undefined,
    private readonly _stderr: NodeJS.WritableStream,
  ) {
    this.delimiter = bytesOf(_mode);
  }

  async ready(): Promise<void> {
    if (this._command === undefined) return;
    const launch = new Launch(this._command, { target: targetText(this._address), mode: this._mode }, this._stderr);
    this._launch = launch;
    const deadline = Date.now() + READY_MS;
    // No event says "listening" across processes: the contract's readiness is a connection
    // that succeeds, so the kit dials until one does, the command exits, or 10 s pass.
    for (;;) {
      if (launch.exited) throw new Mismatch(`the server command ${launch.startError === undefined ? 'exited' : `could not start (${launch.startError.message})`} before it accepted a connection`);
      try {
        (await dial(this._address, Math.max(1, deadline - Date.now()))).destroy();
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw new Mismatch(`the server did not accept a connection within ${READY_MS} ms (${(err as Error).message})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async open(): Promise<Conn> {
    const conn = new Conn(await dial(this._address, this._timeout), this._mode === 'raw' ? undefined : this.delimiter, this._timeout * this.patience);
    this._conns.add(conn);
    return conn;
  }

  after(): void {
    for (const conn of this._conns) conn.destroy();
    this._conns.clear();
  }

  async close(): Promise<void> {
    this.after();
    await this._launch?.stop();
  }
}

/** One start of the client command, with the listener it was told to connect to. */
interface Start {
  readonly launch: Launch;
  readonly server: Server;
  readonly accepted: Socket[];
  wake?: () => void;
}

/** The peer is a client. */
export class ClientSession implements Session {
  readonly role = 'client';
  readonly delimiter: Buffer;
  patience = 1;
  private _start: Start | undefined;
  private _current: Conn | undefined;
  private _starts = 0;

  constructor(
    private readonly _dir: string,
    private readonly _mode: Mode,
    private readonly _timeout: number,
    private readonly _command: readonly string[],
    private readonly _stderr: NodeJS.WritableStream,
  ) {
    this.delimiter = bytesOf(_mode);
  }

  async ready(): Promise<void> {
    await this.open();
  }

  async open(): Promise<Conn> {
    if (this._current?.open === true) {
      this._current.timeout = this._timeout * this.patience;
      return this._current;
    }
    this._current?.destroy();
    this._current = undefined;
    let socket = this._start === undefined ? undefined : await this._accept(this._start, RECONNECT_MS);
    if (socket === undefined) {
      await this._stop();
      this._start = await this._begin();
      socket = await this._accept(this._start, READY_MS);
      if (socket === undefined) {
        const launch = this._start.launch;
        throw new Mismatch(`the client ${launch.startError !== undefined ? `command could not start (${launch.startError.message})` : launch.exited ? 'command exited before it connected' : `did not connect within ${READY_MS} ms`}`);
      }
    }
    const conn = new Conn(socket, this._mode === 'raw' ? undefined : this.delimiter, this._timeout);
    this._current = conn;
    if (this._mode !== 'raw') {
      // The contract: a client's first frame is `hello` {"id":"conformance"}; it means "ready".
      const hello = await conn.message('the client\'s first frame (hello)');
      if (hello.type !== 'hello') throw new Mismatch(`the client's first frame was ${JSON.stringify(hello.type)}, not hello`);
    }
    conn.timeout = this._timeout * this.patience;
    return conn;
  }

  after(failed: boolean): void {
    if (this._current !== undefined && (failed || this._current.queued > 0)) {
      this._current.destroy();
      this._current = undefined;
    }
  }

  async close(): Promise<void> {
    this._current?.destroy();
    await this._stop();
  }

  private async _begin(): Promise<Start> {
    const server = createServer();
    // What the listener accepts, and who waits for it (set by _accept).
    const inbox: { accepted: Socket[]; wake?: () => void } = { accepted: [] };
    server.on('connection', (socket) => {
      // A reset before a case takes the connection must not be an unhandled 'error'.
      socket.on('error', () => undefined);
      inbox.accepted.push(socket);
      inbox.wake?.();
    });
    const path = `${this._dir}/${this._mode}-${++this._starts}.sock`;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const launch = new Launch(this._command, { target: `unix:${path}`, mode: this._mode }, this._stderr);
    const begun: Start = Object.assign(inbox, { launch, server });
    launch.onExit(() => begun.wake?.());
    return begun;
  }

  /** The next connection of `start`, or undefined when none came within `ms` or the command exited. */
  private _accept(start: Start, ms: number): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const socket = start.accepted.shift();
        if (socket === undefined && !start.launch.exited) return false;
        clearTimeout(timer);
        start.wake = undefined;
        resolve(socket);
        return true;
      };
      const timer = setTimeout(() => {
        start.wake = undefined;
        resolve(start.accepted.shift());
      }, ms);
      start.wake = check;
      check();
    });
  }

  private async _stop(): Promise<void> {
    const start = this._start;
    if (start === undefined) return;
    this._start = undefined;
    for (const socket of start.accepted) socket.destroy();
    await start.launch.stop();
    await new Promise((resolve) => start.server.close(resolve));
  }
}
