/**
 * `ipc[Symbol.asyncDispose]()`: closes an IPC instance's clients and server, for
 * `await using ipc = new IPCModule()`.
 */

/** What can be closed as a promise: a client or a server. */
interface Closable {
  close(): Promise<void>;
}

/** What disposal needs of an IPC instance. */
export interface Disposable {
  of: Record<string, Closable>;
  server: Closable | false;
}

/** Closes every client and the server in parallel; rejects with the first failure after all settled. */
export async function disposeIpc(ipc: Disposable): Promise<void> {
  const { of, server } = ipc;
  const closing: Array<Promise<void>> = Object.keys(of).map((id) => (of[id] as Closable).close());
  if (server !== false) closing.push(server.close());
  const results = await Promise.allSettled(closing);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
