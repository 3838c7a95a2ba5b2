/**
 * The package entry (CommonJS): THE singleton, shaped for both node-ipc generations.
 * - v9: `require('node-ipc-ts')` is the singleton itself.
 * - v10: `require('node-ipc-ts').default` and `.IPCModule`; `import ipc, {IPCModule}` reaches
 *   this same object through the ESM facade `index.mts`, so there is never a second copy.
 */
import type {
  HandleOptions as HandleOptionsType, MessagesOptions as MessagesOptionsType, ReadyOptions as ReadyOptionsType,
  RequestOptions as RequestOptionsType,
} from './async/options';
import type { AnyRequests, RequestMap, StructuredRequests as StructuredRequestsType } from './async/request-map';
import type { RemoteErrorInfo } from './async/wire';
import { Client } from './client';
import type { IpcConfig, InterfaceConfig } from './config';
import { IpcError, type IpcErrorCode } from './errors';
import type {
  AnyEvents, ClientBuiltinListeners, ClientListeners, Cloneable as CloneableType, EmitTarget, EventMap, MessageSource,
  ServerBuiltinListeners, ServerListeners, ServerSocket, Structured as StructuredType, StructuredEvents as StructuredEventsType, UdpTarget,
} from './event-map';
import { type IPC as IPCClass, IPCModule as IPCModuleClass, type Callback, type UDPType } from './ipc';
import { Server } from './server';
import type { TlsConfig } from './transport/tls';
import type { UdpPeer } from './transport/udp';

/**
 * The type of the singleton. The members IPC declares as class methods (and the `IPC`
 * accessor) are declared again here, as interface members: under `esModuleInterop`,
 * TypeScript types `import * as ipc from 'node-ipc-ts'` as a spread of this value, and a
 * spread drops members declared by a class as methods or accessors (not those of an
 * interface). At run time they are accessors on IPC's prototype returning bound methods.
 */
interface Entry extends IPCModuleClass {
  /** The singleton itself (v10's default export). */
  readonly default: Entry;
  /** The class of the singleton: `new IPCModule()` makes an independent instance. */
  readonly IPCModule: typeof IPCModuleClass;
  /** The base class (`new ipc.IPC()`); see {@link IPCModuleClass.IPC}. */
  readonly IPC: typeof IPCClass;
  /** The error class of runtime faults published as `error` events. */
  readonly IpcError: typeof IpcError;
  /** The client class (`ipc.of[id]`). */
  readonly Client: typeof Client;
  /** The server class (`ipc.server`). */
  readonly Server: typeof Server;
  /** See {@link IPCModuleClass.log}. */
  readonly log: IPCModuleClass['log'];
  /** See {@link IPCModuleClass.connectTo}. */
  readonly connectTo: IPCModuleClass['connectTo'];
  /** See {@link IPCModuleClass.connectToNet}. */
  readonly connectToNet: IPCModuleClass['connectToNet'];
  /** See {@link IPCModuleClass.disconnect}. */
  readonly disconnect: IPCModuleClass['disconnect'];
  /** See {@link IPCModuleClass.serve}. */
  readonly serve: IPCModuleClass['serve'];
  /** See {@link IPCModuleClass.serveNet}. */
  readonly serveNet: IPCModuleClass['serveNet'];
}

const ipc = new IPCModuleClass();
// Non-enumerable, so Object.keys(ipc) stays what node-ipc users see.
Object.defineProperties(ipc, {
  default: { value: ipc },
  IPCModule: { value: IPCModuleClass },
  IpcError: { value: IpcError },
  Client: { value: Client },
  Server: { value: Server },
});
/** The package's export: THE singleton IPC instance, plus the classes and `default`. */
const entry = ipc as Entry;

/** The package's public types, merged with the singleton for `export =` (`import type { Config } from 'node-ipc-ts'`). */
// eslint-disable-next-line @typescript-eslint/no-namespace -- type-only namespace merged with the value, for `export =`
namespace entry {
  /** `ipc.config`: every node-ipc key plus this library's limits, each with its default. */
  export type Config = IpcConfig;
  /** `ipc.config.interface` (alias `interfaces`): how a client connection is made. */
  export type Interface = InterfaceConfig;
  /** `ipc.config.tls`: node's `tls` options plus node-ipc's file-path keys. */
  export type Tls = TlsConfig;
  /** The base class of every instance (`new ipc.IPC<Events>()`); `E` is an optional event map. */
  export type IPC<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = IPCClass<E, R>;
  /** The class of the default export (`new IPCModule<Events>()`); `E` is an optional event map. */
  export type IPCModule<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = IPCModuleClass<E, R>;
  /** A client, `ipc.of[id]`; `E` is an optional event map. */
  export type IpcClient<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = Client<E, R>;
  /** The server, `ipc.server`; `E` is an optional event map. */
  export type IpcServer<E extends EventMap = AnyEvents, R extends RequestMap = AnyRequests> = Server<E, R>;
  /** Async API: the default request map (any type, payload and reply). */
  export type Requests = AnyRequests;
  /** Async API: what a typed request map may look like (`{ add: { request: {a: number}; reply: number } }`). */
  export type RequestMapLike = RequestMap;
  /** Async API: options of `request()` (`timeout`, `signal`). */
  export type RequestOptions = RequestOptionsType;
  /** Async API: options of `ready()` (`timeout`, `signal`). */
  export type ReadyOptions = ReadyOptionsType;
  /** Async API: options of `messages()` (`signal`, `highWaterMark`). */
  export type MessagesOptions = MessagesOptionsType;
  /** Async API: options of `handle()` (`exposeStack`). */
  export type HandleOptions = HandleOptionsType;
  /** Async API: what an `ERR_IPC_REMOTE` error's `remote` holds (name, message, code). */
  export type RemoteError = RemoteErrorInfo;
  /** A connected client socket as server handlers get it (`net.Socket` plus the announced `id`). */
  export type Socket = ServerSocket;
  /** Where a server message came from: a {@link Socket}, or a UDP {@link Peer}. */
  export type Source = MessageSource;
  /** The first argument of `server.emit`: a {@link Socket} or a UDP `{address, port}`. */
  export type Target = EmitTarget;
  /** A UDP destination `{address, port}` for `server.emit`. */
  export type UdpDestination = UdpTarget;
  /** A UDP peer as server handlers get it. */
  export type Peer = UdpPeer;
  /** The stable `code` of an {@link IpcError}. */
  export type ErrorCode = IpcErrorCode;
  /** A runtime fault published as an `error` event. */
  export type Error = IpcError;
  /** The callback of `connectTo`, `connectToNet`, `serve` and `serveNet`. */
  export type Handler = Callback;
  /** `'udp4' | 'udp6'`, as `serveNet` takes it. */
  export type UdpType = UDPType;
  /** The untyped default event map: any name, `any` payload. */
  export type Events = AnyEvents;
  /** What an event map may be: message type -> payload type. */
  export type EventMapLike = EventMap;
  /** Handler types of a client's built-in events (`connect`, `error`, ...). */
  export type ClientBuiltins = ClientBuiltinListeners;
  /** Handler types of a server's built-in events (`start`, `socket.disconnected`, ...). */
  export type ServerBuiltins = ServerBuiltinListeners;
  /** Handler types of a client for event map `E`. */
  export type ClientHandlers<E extends EventMap = AnyEvents> = ClientListeners<E>;
  /** Handler types of a server for event map `E`. */
  export type ServerHandlers<E extends EventMap = AnyEvents> = ServerListeners<E>;
  /** `serialization: 'advanced'`: any value structured clone copies (Buffer, Map, Set, Date, BigInt, ...). */
  export type Cloneable = CloneableType;
  /** `serialization: 'advanced'`: `T` with what structured clone cannot copy (functions, methods, symbols) made `never`. */
  export type Structured<T> = StructuredType<T>;
  /** `serialization: 'advanced'`: an event map checked for structured payloads (`new IPCModule<StructuredEvents<Events>>()`). */
  export type StructuredEvents<E extends { [K in keyof E]: StructuredType<E[K]> }> = StructuredEventsType<E>;
  /** `serialization: 'advanced'`: a request map checked for structured payloads and replies. */
  export type StructuredRequests<R extends { [K in keyof R]: { [P in keyof R[K]]: StructuredType<R[K][P]> } }> = StructuredRequestsType<R>;
}

export = entry;
