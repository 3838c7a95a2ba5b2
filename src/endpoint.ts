/**
 * What a client and a server have in common, written once: the config and log they were
 * made with, the node-ipc 14 profile and the {@link Protocol} chosen for them when they were
 * made, and the two ends of every message: a call becomes a frame (encoded and logged), and
 * a message from the wire becomes a local event (logged and dispatched). What differs stays
 * in `Client` (dialling, retrying, the offline buffer) and `Server` (listening, accepted
 * connections, broadcast, UDP peers).
 */
import type { IpcConfig } from './config';
import { EventHub } from './events';
import type { LogFunction } from './log';
import { resolveProfile, type Profile } from './profile';
import type { Protocol } from './protocol/protocol';
import { selectProtocol } from './protocol/select';

export abstract class Endpoint<L extends object> extends EventHub<L> {
  /** The config of the IPC instance that made this endpoint (shared, read live). */
  config: IpcConfig;
  /** The IPC instance's log function. */
  log: LogFunction;
  /** @internal node-ipc 14 profile (config had node-ipc 14 keys when this endpoint was made), or null. */
  readonly profile: Profile | null;
  /** @internal How calls become frames and bytes become messages; chosen once, here. */
  readonly protocol: Protocol;

  constructor(config: IpcConfig, log: LogFunction) {
    super();
    this.config = config;
    this.log = log;
    // node-ipc 14 keys: the profile is chosen now, once (a bad `parser` throws here).
    this.profile = resolveProfile(config);
    this.protocol = selectProtocol(config, this.profile);
  }

  /**
   * Logs one message as its protocol shows it (node-ipc 14 leaves payloads out). Callers
   * check `config.silent` first, so a silent endpoint builds no log arguments at all.
   */
  protected logMessage(what: string, type: unknown, data: unknown): void {
    this.log(what, this.protocol.shownType(type), this.protocol.shownData(data));
  }
}
