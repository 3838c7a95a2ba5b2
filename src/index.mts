/**
 * ESM facade over the CommonJS entry (as ws's wrapper.mjs): the SAME singleton that
 * `require('node-ipc-ts')` returns, never a second copy with its own config.
 */
import ipc from './index.js';

export const { IPCModule, IpcError, Client, Server } = ipc;
export const IPC = ipc.IPC;
export type { Config, Interface, Tls, IpcClient, IpcServer, Socket, Target, Peer, ErrorCode, Handler, UdpType } from './index.js';
export default ipc;
