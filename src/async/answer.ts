/**
 * The answering side of a request, shared by client and server: run the handler, send its
 * result or its failure back under {@link REPLY_TYPE}. A synchronous result is answered in
 * the same tick (no microtask), so a request round trip costs what an echo costs.
 */
import { REPLY_TYPE, noHandlerError, toRemoteError, type ReplyEnvelope } from './wire';

/**
 * Where replies go: one per client or server, given the request's origin (`from`: the server's
 * socket, or the client's connection number), so answering allocates no closure per request.
 */
export interface Replier {
  /** Sends one reply message to `from`, or drops it when `from` is gone. Throws when the reply cannot be encoded or is refused. */
  sendReply(from: unknown, type: typeof REPLY_TYPE, envelope: ReplyEnvelope): void;
  /** Not even the failure could be sent (a policy refuses `ipc.reply`): reported where the endpoint reports faults. */
  replyFailed(from: unknown, err: unknown): void;
}

/** A request handler as `answer` calls it: `(data, from)` (clients ignore the second argument). */
export type AnyHandler = (data: unknown, from: unknown) => unknown;

/**
 * Runs `handler(data, arg)` for request `id` from `from` and sends what it returns, resolves
 * to, throws or rejects with.
 */
export function answer(handler: AnyHandler, data: unknown, arg: unknown, id: number, from: unknown, exposeStack: boolean, replier: Replier): void {
  let result: unknown;
  try {
    result = handler(data, arg);
  } catch (err) {
    fail(id, from, err, exposeStack, replier);
    return;
  }
  if (isThenable(result)) {
    result.then((value) => succeed(id, from, value, exposeStack, replier), (err: unknown) => fail(id, from, err, exposeStack, replier));
  } else {
    succeed(id, from, result, exposeStack, replier);
  }
}

/** Answers request `id` with `ERR_IPC_NO_HANDLER`. */
export function answerNoHandler(id: number, type: string, from: unknown, replier: Replier): void {
  sendFailure(id, from, noHandlerError(type), replier);
}

function succeed(id: number, from: unknown, value: unknown, exposeStack: boolean, replier: Replier): void {
  try {
    replier.sendReply(from, REPLY_TYPE, { reply: id, data: value });
  } catch (err) {
    // The result cannot be sent (a cycle, a BigInt): the requester hears why instead of waiting.
    fail(id, from, err, exposeStack, replier);
  }
}

function fail(id: number, from: unknown, err: unknown, exposeStack: boolean, replier: Replier): void {
  sendFailure(id, from, toRemoteError(err, exposeStack), replier);
}

/**
 * The last word on a request: if even the failure cannot go out (assured without `ipc.reply`
 * in `allowedEvents`), the answering side hears why; a peer's request never throws out of
 * the socket's read into the host.
 */
function sendFailure(id: number, from: unknown, error: ReplyEnvelope['error'], replier: Replier): void {
  try {
    replier.sendReply(from, REPLY_TYPE, { reply: id, error });
  } catch (err) {
    replier.replyFailed(from, err);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
