/**
 * Every case of the kit, in the order it runs them: by mode group (JSON, raw, a custom
 * delimiter), and inside JSON the cases that may end a connection (close, garbage) last, so a
 * client under test reconnects as few times as possible, and `close.graceful-after-last-frame`
 * very last, as a server adapter may answer its `farewell` by stopping (§11.2). docs/PROTOCOL.md §11.3 lists them;
 * spec/cli/conformance-docs.spec.ts keeps the two in step.
 */
import { FRAME_CASES } from './cases-frames';
import { SESSION_CASES } from './cases-session';
import type { Case } from './checks';
import type { Mode } from './launch';

export type { Case } from './checks';

/** The mode groups, in the order they run. */
export const MODES: readonly Mode[] = ['json', 'raw', 'delimiter'];

/** Every case. */
export const CASES: readonly Case[] = MODES.flatMap((mode) => [...FRAME_CASES, ...SESSION_CASES].filter((c) => c.mode === mode));
