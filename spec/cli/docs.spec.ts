/**
 * docs/CLI.md is the command line's reference and `--help` its summary: every flag of every
 * command, every exit code and every event must be in the reference, and every flag of a
 * command in that command's help page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../src/cli/exit-codes';
import { COMMAND_HELP } from '../../src/cli/help';
import { COMMAND_FLAGS } from '../../src/cli/options';

const reference = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'CLI.md'), 'utf8');
const EVENTS = ['listening', 'connect', 'disconnect', 'retry', 'message', 'data', 'reply', 'frame', 'error', 'closed'];

describe('cli docs', () => {
  it('docs/CLI.md has every command, flag, exit code and event', () => {
    for (const [command, flags] of Object.entries(COMMAND_FLAGS)) {
      expect(reference).withContext(command).toContain(`## ${command}\n`);
      for (const flag of flags) expect(reference).withContext(`${command} --${flag.name}`).toContain(`--${flag.name}`);
    }
    for (const code of [...Object.values(ExitCode), 130]) expect(reference).withContext(`exit ${code}`).toMatch(new RegExp(`\\n\\| ${code} \\| `));
    for (const event of EVENTS) expect(reference).withContext(event).toContain(`| \`${event}\` |`);
  });

  it('each command\'s --help names every flag it takes and has examples', () => {
    for (const [command, flags] of Object.entries(COMMAND_FLAGS)) {
      const page = COMMAND_HELP[command] as string;
      expect(page).withContext(command).toContain('Examples:');
      for (const flag of flags) expect(page).withContext(`${command} --${flag.name}`).toContain(`--${flag.name}`);
    }
  });
});
