/** Chooses the protocol of a new client or server, once (see protocol.ts for the kinds). */
import type { IpcConfig } from '../config';
import type { Profile } from '../profile';
import { EnvelopeProtocol } from './envelope';
import { LegacyProtocol } from './legacy';
import { ParserProtocol } from './parser';
import type { Protocol } from './protocol';
import { RawProtocol } from './raw';

/** The protocol of a client or server made from `config` with node-ipc 14 `profile` (null: 9/10). */
export function selectProtocol(config: IpcConfig, profile: Profile | null): Protocol {
  if (profile === null) return new LegacyProtocol(config);
  if (profile.parser !== null) return new ParserProtocol(profile, profile.parser);
  if (profile.name === 'raw') return new RawProtocol(profile);
  return new EnvelopeProtocol(profile);
}
