/** Chooses the protocol of a new client or server, once (see protocol.ts for the kinds). */
import type { IpcConfig } from '../config';
import { invalidArgument } from '../errors';
import type { Profile } from '../profile';
import { AdvancedProtocol } from './advanced';
import { EnvelopeProtocol } from './envelope';
import { LegacyProtocol } from './legacy';
import { ParserProtocol } from './parser';
import type { Protocol } from './protocol';
import { RawProtocol } from './raw';

/** The protocol of a client or server made from `config` with node-ipc 14 `profile` (null: 9/10). */
export function selectProtocol(config: IpcConfig, profile: Profile | null): Protocol {
  const serialization = config.serialization;
  if (serialization === 'advanced') return new AdvancedProtocol(config, profile);
  // undefined: a config object built by hand, without the key.
  if (serialization !== 'json' && serialization !== undefined) throw invalidArgument('config.serialization', '"json" or "advanced"', serialization);
  if (profile === null) return new LegacyProtocol(config);
  if (profile.parser !== null) return new ParserProtocol(profile, profile.parser);
  if (profile.name === 'raw') return new RawProtocol(profile);
  return new EnvelopeProtocol(profile);
}
