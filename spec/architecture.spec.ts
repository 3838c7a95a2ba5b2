/**
 * The house rules of src/ (docs/ARCHITECTURE.md), checked from the files themselves: no
 * import circle (type-only imports count: a lower file that needs a type from a higher one
 * means the type belongs lower), no file over 350 lines, and the public Client and Server
 * files at most 300. ESLint's per-folder `no-restricted-imports` keeps calls going down the
 * layers; this spec catches a circle among files of one folder, which those rules cannot.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.m?ts$/.test(name) ? [path] : [];
  });
}

/** The src files `file` imports or re-exports from (relative specifiers, type-only ones too). */
function importsOf(file: string, known: Set<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
    const base = resolve(dirname(file), (match[1] as string).replace(/\.js$/, ''));
    const hit = [`${base}.ts`, `${base}.mts`, join(base, 'index.ts')].find((candidate) => known.has(candidate));
    if (hit !== undefined) targets.push(hit);
  }
  return targets;
}

/** Every import circle of `graph`, each as the files around it. */
export function findCircles(graph: Map<string, string[]>): string[][] {
  const circles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return circles;
}

describe('src/ architecture', () => {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
  const name = (file: string): string => relative(SRC, file);

  it('reads the imports it checks (a parser that finds nothing would pass anything)', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(graph.get(join(SRC, 'client.ts'))?.map(name)).toContain('client-core.ts');
    expect(graph.get(join(SRC, 'transport', 'tls.ts'))?.map(name)).toContain('config.ts');
  });

  it('finds a circle when there is one', () => {
    const a = join(SRC, 'a.ts');
    const b = join(SRC, 'b.ts');
    expect(findCircles(new Map([[a, [b]], [b, [a]]])).length).toBe(1);
  });

  it('has no import circle, type-only imports included', () => {
    expect(findCircles(graph).map((circle) => circle.map(name).join(' -> '))).toEqual([]);
  });

  it('keeps every file under 350 lines, and client.ts and server.ts at most 300', () => {
    const lines = (file: string): number => readFileSync(file, 'utf8').split('\n').length - 1;
    const over = files.filter((file) => lines(file) > 350).map(name);
    expect(over).toEqual([]);
    expect(lines(join(SRC, 'client.ts'))).toBeLessThanOrEqual(300);
    expect(lines(join(SRC, 'server.ts'))).toBeLessThanOrEqual(300);
  });

  it('replaces no method on an instance: no cast of an endpoint to a plain record', () => {
    const offenders = files.filter((file) => /as unknown as Record<string, unknown>/.test(readFileSync(file, 'utf8'))).map(name);
    expect(offenders).toEqual([]);
  });
});
