/**
 * The package entry (CommonJS): THE singleton, shaped for both node-ipc generations.
 * - v9: `require('node-ipc-ts')` is the singleton itself.
 * - v10: `require('node-ipc-ts').default` and `.IPCModule`; `import ipc, {IPCModule}` reaches
 *   this same object through the ESM facade `index.mts`, so there is never a second copy.
 */
import { Client } from './client';
import type { IpcConfig, InterfaceConfig } from './config';
import { IpcError, type IpcErrorCode } from './errors';
import { type IPC as IPCClass, IPCModule as IPCModuleClass, type Callback, type UDPType } from './ipc';
import { Server, type EmitTarget, type ServerSocket } from './server';
import type { TlsConfig } from './transport/tls';
import type { UdpPeer } from './transport/udp';

type Entry = IPCModuleClass & {
  /** The singleton itself (v10's default export). */
  readonly default: Entry;
  /** The class of the singleton: `new IPCModule()` makes an independent instance. */
  readonly IPCModule: typeof IPCModuleClass;
  /** The error class of runtime faults published as `error` events. */
  readonly IpcError: typeof IpcError;
  /** The client class (`ipc.of[id]`). */
  readonly Client: typeof Client;
  /** The server class (`ipc.server`). */
  readonly Server: typeof Server;
};

const ipc = new IPCModuleClass();
// Non-enumerable, so Object.keys(ipc) stays what node-ipc users see.
Object.defineProperties(ipc, {
  default: { value: ipc },
  IPCModule: { value: IPCModuleClass },
  IpcError: { value: IpcError },
  Client: { value: Client },
  Server: { value: Server },
});
const entry = ipc as Entry;

// eslint-disable-next-line @typescript-eslint/no-namespace -- type-only namespace merged with the value, for `export =`
namespace entry {
  export type Config = IpcConfig;
  export type Interface = InterfaceConfig;
  export type Tls = TlsConfig;
  export type IPC = IPCClass;
  export type IPCModule = IPCModuleClass;
  export type IpcClient = Client;
  export type IpcServer = Server;
  export type Socket = ServerSocket;
  export type Target = EmitTarget;
  export type Peer = UdpPeer;
  export type ErrorCode = IpcErrorCode;
  export type Error = IpcError;
  export type Handler = Callback;
  export type UdpType = UDPType;
}

export = entry;
