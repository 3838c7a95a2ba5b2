/**
 * The end-of-tick flush of every connection's write batch: one `process.nextTick` flushes
 * all connections that wrote in this tick (a broadcast to N clients schedules one callback,
 * not N), and a `process.exit()` flushes what still waits from an `exit` hook.
 */

/** What can be flushed: a connection with a batch waiting. */
export interface Flushable {
  flush(): void;
}

const due: Flushable[] = [];
let exitHookInstalled = false;

/** Flushes `conn` at the end of this tick (once per tick: callers keep their own "scheduled" flag). */
export function scheduleFlush(conn: Flushable): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', flushDue);
  }
  if (due.push(conn) === 1) process.nextTick(flushDue);
}

/**
 * Hands every waiting batch to its socket. Also the `exit` hook: at `process.exit()` no tick
 * runs again, but a socket write still tries the kernel synchronously, so small batches
 * leave; what the kernel cannot take at once is lost, as with any Node socket.
 */
function flushDue(): void {
  // Read live: a flush that reports a fault may run user code that writes to another connection.
  for (let i = 0; i < due.length; i++) (due[i] as Flushable).flush();
  due.length = 0;
}
