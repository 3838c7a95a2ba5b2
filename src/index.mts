/**
 * ESM facade over the CommonJS entry (as ws's wrapper.mjs): the SAME singleton that
 * `require('node-ipc-ts')` returns, never a second copy with its own config.
 */
import ipc from './index.js';

import type { AnyRequests, RequestMap } from './async/request-map.js';
import type { AnyEvents, EventMap } from './event-map.js';
import type { IPCModule as IPCModuleClass, IPC as IPCClass } from './ipc.js';
import type { Client as ClientClass } from './client.js';
import type { Server as ServerClass } from './server.js';
import type { IpcError as IpcErrorClass } from './errors.js';

/** The class of the default export: `new IPCModule()` (or `new IPCModule<Events>()`) makes an independent instance. */
export const { IPCModule, IpcError, Client, Server } = ipc;
/** The base class of every instance (node-ipc's `ipc.IPC`). */
export const IPC = ipc.IPC;
/** An instance of {@link IPCModule}; `E` is an optional event map. */
export type IPCModule<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = IPCModuleClass<E, R>;
/** An instance of {@link IPC}; `E` is an optional event map. */
export type IPC<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = IPCClass<E, R>;
/** A client (`ipc.of[id]`); `E` is an optional event map. */
export type Client<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = ClientClass<E, R>;
/** The server (`ipc.server`); `E` is an optional event map. */
export type Server<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = ServerClass<E, R>;
/** A runtime fault published as an `error` event, with a stable `code`. */
export type IpcError = IpcErrorClass;
export type {
  Config, Interface, Tls, IpcClient, IpcServer, Socket, Source, Target, UdpDestination, Peer, ErrorCode, Handler, UdpType,
  Events, EventMapLike, ClientBuiltins, ServerBuiltins, ClientHandlers, ServerHandlers,
  Requests, RequestMapLike, RequestOptions, ReadyOptions, MessagesOptions, HandleOptions, RemoteError,
  Cloneable, Structured, StructuredEvents, StructuredRequests,
} from './index.js';
export default ipc;
