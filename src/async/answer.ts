/**
 * The answering side of a request, shared by client and server: run the handler, send its
 * result or its failure back under {@link REPLY_TYPE}. A synchronous result is answered in
 * the same tick (no microtask), so a request round trip costs what an echo costs.
 */
import { REPLY_TYPE, noHandlerError, toRemoteError, type ReplyEnvelope } from './wire';

/** Sends one reply message. */
export type SendReply = (type: typeof REPLY_TYPE, envelope: ReplyEnvelope) => unknown;

/** Runs `invoke` (the handler) for request `id` and sends what it returns, resolves to, throws or rejects with. */
export function answer(id: number, invoke: () => unknown, exposeStack: boolean, send: SendReply): void {
  let result: unknown;
  try {
    result = invoke();
  } catch (err) {
    fail(id, err, exposeStack, send);
    return;
  }
  if (isThenable(result)) {
    result.then((value) => succeed(id, value, exposeStack, send), (err: unknown) => fail(id, err, exposeStack, send));
  } else {
    succeed(id, result, exposeStack, send);
  }
}

/** Answers request `id` with `ERR_IPC_NO_HANDLER`. */
export function answerNoHandler(id: number, type: string, send: SendReply): void {
  send(REPLY_TYPE, { reply: id, error: noHandlerError(type) });
}

function succeed(id: number, value: unknown, exposeStack: boolean, send: SendReply): void {
  try {
    send(REPLY_TYPE, { reply: id, data: value });
  } catch (err) {
    // The result cannot be sent (a cycle, a BigInt): the requester hears why instead of waiting.
    fail(id, err, exposeStack, send);
  }
}

function fail(id: number, err: unknown, exposeStack: boolean, send: SendReply): void {
  send(REPLY_TYPE, { reply: id, error: toRemoteError(err, exposeStack) });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
