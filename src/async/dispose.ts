/**
 * `ipc[Symbol.asyncDispose]()`: closes an IPC instance's clients and server, for
 * `await using ipc = new IPCModule()`.
 */
import type { Client } from '../client';
import type { Server } from '../server';

/** What disposal needs of an IPC instance. */
export interface Disposable {
  of: Record<string, Client>;
  server: Server | false;
}

/** Closes every client and the server in parallel; rejects with the first failure after all settled. */
export async function disposeIpc(ipc: { of: Record<string, unknown>; server: unknown }): Promise<void> {
  const { of, server } = ipc as Disposable;
  const closing: Array<Promise<void>> = Object.keys(of).map((id) => (of[id] as Client).close());
  if (server !== false) closing.push(server.close());
  const results = await Promise.allSettled(closing);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
