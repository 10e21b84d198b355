/**
 * Compiles a TypeScript entry file and every file it imports by relative path to JavaScript under
 * `bench/.work/`, so that a benchmark child process runs the code as users run it (built JS),
 * without the memory Node's TypeScript type stripping takes (some 40 MB of RSS).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Relative module specifiers of a source file. */
function relativeImports(file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((name) => name.startsWith('.')).map((name) => resolve(dirname(file), name));
}

/**
 * Transpiles `entry` and its relative imports into `bench/.work/<name>/` (same layout as the
 * repository, so bare imports still resolve to the repository's node_modules).
 *
 * @returns The compiled entry's path and a function that removes the output.
 */
export function compileForBench(entry: string, name: string): { readonly entry: string; readonly remove: () => void } {
  const out = join(ROOT, 'bench', '.work', name);
  rmSync(out, { recursive: true, force: true });
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file) || !file.endsWith('.ts')) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    queue.push(...relativeImports(file, text));
    const js = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, rewriteRelativeImportExtensions: true, verbatimModuleSyntax: true },
    }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return {
    entry: join(out, relative(ROOT, resolve(entry))).replace(/\.ts$/, '.js'),
    remove: () => {
      rmSync(out, { recursive: true, force: true });
    },
  };
}
