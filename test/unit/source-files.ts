/** The project's TypeScript sources and their relative imports, read as text, for the structure tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const srcRoot = path.resolve(import.meta.dirname, '../../src');

export function sourceFiles(dir = srcRoot): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return sourceFiles(full);
      return /\.tsx?$/.test(name) ? [full] : [];
    })
    .sort();
}

/** `src/...` path of a file, with forward slashes. */
export function rel(file: string): string {
  return path.relative(path.dirname(srcRoot), file).split(path.sep).join('/');
}

/** Every relative import (static, `import type` included, and `export … from`) of a source text. */
export function relativeImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    out.push(rel(path.resolve(path.dirname(file), m[1]!)));
  }
  return out;
}
