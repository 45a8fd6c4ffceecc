/**
 * scripts/shims/fs-promises.ts gives the bundles `fs/promises.glob` on Node 20 (it is Node 22+).
 * Its fallback must find what Node's own glob finds, for the patterns the steps accept: here
 * both run on the same tree (the tests run on Node 24, which has the real one).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { glob as nodeGlob } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expandBraces, glob, globFallback } from '../../scripts/shims/fs-promises.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glob-shim-'));
  for (const file of [
    'k8s/app.yaml',
    'k8s/app.yml',
    'k8s/db.json',
    'k8s/notes.txt',
    'k8s/.hidden.yaml',
    'k8s/overlays/stg/patch.yaml',
    'k8s/overlays/prd/patch.yaml',
    'k8s/overlays/prd/deep/more.yaml',
    'k8s/[literal].yaml',
    'other/x1.yaml',
    'other/x2.yaml',
    'other/y.yaml',
  ]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), 'kind: x\n');
  }
  symlinkSync(join(dir, 'other'), join(dir, 'k8s/linked'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const path of iterable) out.push(path);
  return out.sort();
}

describe('glob fallback for Node 20', () => {
  it.each([
    'k8s/*.yaml',
    'k8s/*.y?ml',
    'k8s/*.{yaml,yml,json}',
    'k8s/**/*.yaml',
    'k8s/overlays/*/patch.yaml',
    'k8s/overlays/**',
    'k8s/.*.yaml',
    'other/x[0-9].yaml',
    'other/[!x]*.yaml',
    'k8s/linked/*.yaml',
    'k8s/nothing/*.yaml',
    './other/*.yaml',
  ])('%s finds what fs/promises.glob finds', async (pattern) => {
    const expected = await collect(nodeGlob(pattern, { cwd: dir }));
    expect(await collect(globFallback(pattern, { cwd: dir }))).toEqual(expected);
  });

  it('an absolute pattern gives absolute paths, as Node does', async () => {
    const pattern = join(dir, 'k8s/overlays/*/patch.yaml');
    const expected = await collect(nodeGlob(pattern));
    expect(expected).toHaveLength(2);
    expect(await collect(globFallback(pattern))).toEqual(expected);
  });

  it('expands braces, nested ones too, and leaves a brace without a comma alone', () => {
    expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']);
    expect(expandBraces('x{y}z')).toEqual(['x{y}z']);
  });

  it('on Node 22+ the shim is Node’s own glob', () => {
    expect(glob).toBe(nodeGlob);
  });
});
