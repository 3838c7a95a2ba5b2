/**
 * The docs are API (STYLE 6.4: codes, keys and events are API), so they are checked against
 * the code: README.md and every docs/*.md file.
 *
 * - Every key of `IpcConfig` (src/config.ts) has a row in docs/API.md, every built-in event of
 *   clients and servers (src/event-map.ts) a row in its events table, every `ERR_IPC_*` code
 *   (src/errors.ts) a heading and a table row in docs/ERRORS.md; docs/MIGRATION.md holds the
 *   node-ipc 14 tables.
 * - README.md stays under 20 KB, keeps the two commands of "Try it" and links every docs/*.md.
 * - Every relative link (and `#anchor`, by GitHub's heading slugs) points at something that
 *   exists.
 *
 * RUNNABLE BLOCKS. A code block that is a complete program is marked by an HTML comment on the
 * line right before its fence (invisible on GitHub and npm):
 *
 *     <!-- runnable -->        the ```js block after it runs as CommonJS (require)
 *     <!-- runnable esm -->    the ```js block after it runs as an ES module (import, top-level await)
 *
 * Each one is written into a temporary directory whose node_modules/node-ipc-ts links to this
 * repository, so `require('node-ipc-ts')` and `import ... from 'node-ipc-ts'` resolve to dist/
 * through package.json "exports", as in a user's project; it is run with `node` and must exit
 * 0 within RUN_TIMEOUT_MS. So a runnable program ends by itself (closes its servers and
 * clients), checks what it claims (node:assert), and uses a socket path in os.tmpdir() or port
 * 0, never a fixed port or /tmp/app.*. Blocks without the marker are excerpts and are not run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DOCS_DIR = join(ROOT, 'docs');
const README_LIMIT_BYTES = 20_000;
const RUN_TIMEOUT_MS = 20_000;
/**
 * Files the README must list although another branch writes them. A link to one of these is
 * accepted while the file is missing; once it exists it is checked like any other.
 */
const WRITTEN_ELSEWHERE = new Set<string>();

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const docFiles = existsSync(DOCS_DIR) ? readdirSync(DOCS_DIR).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`) : [];
const markdownFiles = ['README.md', ...docFiles];
const texts = new Map(markdownFiles.map((file) => [file, read(file)]));
const text = (file: string): string => {
  const value = texts.get(file);
  if (value === undefined) throw new Error(`${file} is missing`);
  return value;
};

// --- markdown -------------------------------------------------------------------------------

interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  code: string;
  /** `cjs` / `esm` when marked runnable, else null. */
  runnable: 'cjs' | 'esm' | null;
}

const RUNNABLE_MARKER = /^<!--\s*runnable(?:\s+(esm))?\s*-->$/;

/** The fenced code blocks of a file, and its lines outside them (code blocks blanked). */
function parse(file: string, source: string): { blocks: CodeBlock[]; prose: string[]; markersAstray: number[] } {
  const lines = source.split('\n');
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  const markersAstray: number[] = [];
  let open: { fence: string; line: number; info: string; body: string[]; runnable: CodeBlock['runnable'] } | null = null;
  let pendingMarker: { kind: CodeBlock['runnable']; line: number } | null = null;
  lines.forEach((line, index) => {
    if (open !== null) {
      if (line.trimEnd() === open.fence) {
        blocks.push({ file, line: open.line, info: open.info, code: `${open.body.join('\n')}\n`, runnable: open.runnable });
        open = null;
      } else {
        open.body.push(line);
      }
      prose.push('');
      return;
    }
    const fence = /^(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence !== null) {
      const info = (fence[2] ?? '').trim();
      let runnable: CodeBlock['runnable'] = null;
      if (pendingMarker !== null) {
        if (info === 'js') runnable = pendingMarker.kind;
        else markersAstray.push(pendingMarker.line);
        pendingMarker = null;
      }
      open = { fence: fence[1] as string, line: index + 1, info, body: [], runnable };
      prose.push('');
      return;
    }
    if (pendingMarker !== null) {
      markersAstray.push(pendingMarker.line);
      pendingMarker = null;
    }
    const marker = RUNNABLE_MARKER.exec(line.trim());
    if (marker !== null) pendingMarker = { kind: marker[1] === 'esm' ? 'esm' : 'cjs', line: index + 1 };
    // A misspelt marker would silently leave its block unrun (inline code may mention markers).
    else if (/<!--\s*run/i.test(line.replace(/`[^`]*`/g, ''))) markersAstray.push(index + 1);
    prose.push(line);
  });
  if (pendingMarker !== null) markersAstray.push((pendingMarker as { line: number }).line);
  if (open !== null) throw new Error(`${file}:${(open as { line: number }).line}: unclosed code fence`);
  return { blocks, prose, markersAstray };
}

const parsed = new Map<string, ReturnType<typeof parse>>();
/** The parse of a markdown file (any in the repository, read once). */
function parsedOf(file: string): ReturnType<typeof parse> {
  let result = parsed.get(file);
  if (result === undefined) {
    result = parse(file, texts.get(file) ?? read(file));
    parsed.set(file, result);
  }
  return result;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a file's headings get (a repeated heading gets -1, -2, ...). */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of parsedOf(file).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = slug(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const line of parsedOf(file).prose) {
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string);
  }
  return anchors;
}

/** The link targets of a file's prose: `[text](target)` and `![alt](target)`, not inside inline code. */
function linksOf(file: string): Array<{ target: string; line: number }> {
  const links: Array<{ target: string; line: number }> = [];
  parsedOf(file).prose.forEach((line, index) => {
    const withoutCode = line.replace(/`[^`]*`/g, '``');
    for (const match of withoutCode.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ target: match[1] as string, line: index + 1 });
    }
  });
  return links;
}

/** The keys of `export interface <name> { ... }` in a source file (two-space indented members). */
function interfaceKeys(source: string, name: string): string[] {
  const start = source.indexOf(`export interface ${name} {`);
  if (start === -1) return [];
  const end = source.indexOf('\n}', start);
  const body = source.slice(start, end);
  return [...body.matchAll(/^ {2}'?([\w.$]+)'?\??:/gm)].map((match) => match[1] as string);
}

/** A table row of `markdown` whose first cell mentions `` `name` ``. */
function hasRowFor(markdown: string, name: string, secondCell?: RegExp): boolean {
  return markdown.split('\n').some((line) => {
    if (!line.startsWith('|')) return false;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    if (!(cells[0] ?? '').includes(`\`${name}\``)) return false;
    return secondCell === undefined || secondCell.test(cells[1] ?? '');
  });
}

// --- specs ----------------------------------------------------------------------------------

describe('docs: API.md', () => {
  const api = (): string => text('docs/API.md');

  it('has a row for every key of IpcConfig, node-ipc 14 keys included', () => {
    const keys = interfaceKeys(read('src/config.ts'), 'IpcConfig');
    expect(keys.length).withContext('keys parsed from src/config.ts').toBeGreaterThan(30);
    expect(keys).toContain('allowReservedEvents');
    for (const key of keys) expect(hasRowFor(api(), key)).withContext(`config key ${key}`).toBeTrue();
  });

  it('has an events-table row for every built-in event of clients and servers', () => {
    const source = read('src/event-map.ts');
    const client = interfaceKeys(source, 'ClientBuiltinListeners');
    const server = interfaceKeys(source, 'ServerBuiltinListeners');
    expect(client.length).withContext('client events parsed').toBeGreaterThan(4);
    expect(server.length).withContext('server events parsed').toBeGreaterThan(4);
    for (const name of client) expect(hasRowFor(api(), name, /^(client|both)$/)).withContext(`client event ${name}`).toBeTrue();
    for (const name of server) expect(hasRowFor(api(), name, /^(server|both)$/)).withContext(`server event ${name}`).toBeTrue();
  });
});

describe('docs: ERRORS.md and MIGRATION.md', () => {
  const codes = [...new Set(read('src/errors.ts').match(/'ERR_IPC_[A-Z_]+'/g) ?? [])].map((c) => c.slice(1, -1));

  it('documents every IpcError code with a heading and a table row', () => {
    const errors = text('docs/ERRORS.md');
    expect(codes.length).toBeGreaterThan(15);
    for (const code of codes) {
      expect(errors).withContext(code).toContain(`### \`${code}\``);
      expect(errors).withContext(code).toContain(`| \`${code}\` |`);
    }
  });

  it('has no heading for a code the library does not have', () => {
    const headed = [...text('docs/ERRORS.md').matchAll(/^### `(ERR_IPC_[A-Z_]+)`/gm)].map((match) => match[1] as string);
    for (const code of headed) expect(codes).withContext(`ERRORS.md heading ${code}`).toContain(code);
  });

  it('has the node-ipc 14 profile table, conflict table and code mapping in MIGRATION.md', () => {
    const migration = text('docs/MIGRATION.md');
    expect(migration).toContain('## From node-ipc 14');
    expect(migration).toContain('| behaviour | 9.x | 10.x | 14.x | node-ipc-ts (default) | node-ipc-ts (14 keys set) |');
    expect(migration).toContain('| profile | per message |');
    expect(migration).toContain('| node-ipc-ts before | now (node-ipc 14\'s) |');
  });
});

describe('docs: README.md', () => {
  it(`is under ${README_LIMIT_BYTES} bytes and keeps the commands of "Try it"`, () => {
    const readme = text('README.md');
    expect(Buffer.byteLength(readme)).toBeLessThan(README_LIMIT_BYTES);
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });

  it('links every docs/*.md file', () => {
    const linked = new Set(linksOf('README.md').map((link) => link.target.split('#')[0]));
    expect(docFiles.length).toBeGreaterThan(5);
    for (const file of [...docFiles, ...WRITTEN_ELSEWHERE]) expect(linked.has(file)).withContext(`README links ${file}`).toBeTrue();
  });
});

describe('docs: links', () => {
  for (const file of markdownFiles) {
    it(`of ${file} point at files and headings that exist`, () => {
      const links = linksOf(file).filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link.target));
      for (const { target, line } of links) {
        const where = `${file}:${line} -> ${target}`;
        const [pathPart, anchor] = target.split('#') as [string, string | undefined];
        const absolute = pathPart === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(pathPart));
        const fromRoot = relative(ROOT, absolute).split('\\').join('/');
        if (!existsSync(absolute)) {
          expect(WRITTEN_ELSEWHERE.has(fromRoot)).withContext(`${where}: no such file`).toBeTrue();
          continue;
        }
        if (anchor !== undefined && anchor !== '' && fromRoot.endsWith('.md')) {
          expect(anchorsOf(fromRoot).has(anchor)).withContext(`${where}: no heading with that anchor`).toBeTrue();
        }
      }
    });
  }
});

describe('docs: runnable blocks', () => {
  const runnable = markdownFiles.flatMap((file) => parsedOf(file).blocks.filter((block) => block.runnable !== null));
  let workDir = '';

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'node-ipc-ts-docs-'));
    mkdirSync(join(workDir, 'node_modules'));
    symlinkSync(ROOT, join(workDir, 'node_modules', 'node-ipc-ts'), process.platform === 'win32' ? 'junction' : 'dir');
  });

  afterAll(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  it('are marked where the docs promise complete programs', () => {
    const count = (file: string): number => runnable.filter((block) => block.file === file).length;
    expect(count('README.md')).withContext('README: quick start and async example').toBeGreaterThanOrEqual(2);
    expect(count('docs/ASYNC.md')).withContext('ASYNC: the main example').toBeGreaterThanOrEqual(1);
    expect(count('docs/PROTOCOL.md')).withContext('PROTOCOL: the compatible peer').toBeGreaterThanOrEqual(1);
    expect(count('docs/API.md')).withContext('API: UDP').toBeGreaterThanOrEqual(1);
    expect(count('docs/MIGRATION.md')).withContext('MIGRATION: custom parser').toBeGreaterThanOrEqual(1);
    expect(existsSync(join(ROOT, 'dist', 'index.js'))).withContext('dist/ is built (npm run build)').toBeTrue();
  });

  it('have no marker that is not right before a ```js fence', () => {
    for (const file of markdownFiles) expect(parsedOf(file).markersAstray).withContext(file).toEqual([]);
  });

  runnable.forEach((block, index) => {
    it(`${block.file}:${block.line} runs and exits 0`, async () => {
      const program = join(workDir, `block-${index}.${block.runnable === 'esm' ? 'mjs' : 'cjs'}`);
      writeFileSync(program, block.code);
      const result = await run(program, workDir);
      expect(result.timedOut).withContext(`${block.file}:${block.line} ended within ${RUN_TIMEOUT_MS} ms`).toBeFalse();
      expect(result.code).withContext(`${block.file}:${block.line} exit code; stderr:\n${result.stderr}`).toBe(0);
    }, RUN_TIMEOUT_MS + 5_000);
  });
});

function run(program: string, cwd: string): Promise<{ code: number | null; timedOut: boolean; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [program], { cwd, timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, _stdout, stderr) => {
      if (err === null) {
        done({ code: 0, timedOut: false, stderr });
        return;
      }
      const failure = err as Error & { code?: unknown; killed?: boolean };
      done({ code: typeof failure.code === 'number' ? failure.code : null, timedOut: failure.killed === true, stderr });
    });
  });
}
