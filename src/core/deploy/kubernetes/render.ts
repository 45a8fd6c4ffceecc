/**
 * Turns the `manifests` input into Kubernetes objects: a kustomize directory is rendered by the
 * real `kubectl kustomize` (argv, no shell), a plain directory contributes its *.yaml/*.yml/*.json
 * files (like `kubectl apply -f dir`), and files/globs are read as multi-document YAML.
 */
import { existsSync } from 'node:fs';
import { glob, readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { InputError, StepError } from '../../errors.js';
import { CommandNotFound, type Env, runProcess } from '../../process.js';
import type { KObject } from './client.js';

const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const MANIFEST = /\.(ya?ml|json)$/i;

export interface RenderOptions {
  manifests: string[];
  environment: string;
  /** Base directory for relative paths. */
  cwd: string;
  kubectl?: string;
  /** The environment kubectl runs with (the runner's). */
  env?: Env;
}

export interface RenderedObject {
  obj: KObject;
  /** Where it came from, for error messages: a file, or `kustomize <dir>`. */
  source: string;
}

export function substituteEnvironment(entry: string, environment: string): string {
  return entry.replaceAll('{environment}', environment);
}

export async function renderManifests(options: RenderOptions): Promise<RenderedObject[]> {
  const out: RenderedObject[] = [];
  for (const raw of options.manifests) {
    const entry = substituteEnvironment(raw.trim(), options.environment);
    if (!entry) continue;
    const path = isAbsolute(entry) ? entry : resolve(options.cwd, entry);
    const shown = (p: string) => relative(options.cwd, p) || '.';
    if (/[*?[]/.test(entry)) {
      const files: string[] = [];
      for await (const match of glob(entry, { cwd: options.cwd })) files.push(resolve(options.cwd, match));
      const manifests = files.filter((f) => MANIFEST.test(f)).sort();
      if (manifests.length === 0) {
        throw new InputError(
          'manifests',
          raw,
          'a kustomize directory, a manifest file, or a glob matching *.yaml/*.yml/*.json files (this glob matches none)',
        );
      }
      for (const file of manifests) out.push(...parseManifest(await readFile(file, 'utf8'), shown(file)));
      continue;
    }
    if (!existsSync(path)) {
      throw new InputError(
        'manifests',
        raw,
        `a kustomize directory, a manifest file or a glob; "${shown(path)}" does not exist`,
      );
    }
    if ((await stat(path)).isDirectory()) {
      if (KUSTOMIZATION.some((name) => existsSync(join(path, name)))) {
        const text = await kustomize(options.kubectl ?? 'kubectl', path, shown(path), options.env);
        out.push(...parseManifest(text, `kustomize ${shown(path)}`));
      } else {
        const files = (await readdir(path)).filter((f) => MANIFEST.test(f)).sort();
        if (files.length === 0) {
          throw new InputError(
            'manifests',
            raw,
            'a kustomize directory (with kustomization.yaml) or a directory of *.yaml/*.yml/*.json manifests',
          );
        }
        for (const f of files)
          out.push(...parseManifest(await readFile(join(path, f), 'utf8'), shown(join(path, f))));
      }
    } else {
      out.push(...parseManifest(await readFile(path, 'utf8'), shown(path)));
    }
  }
  if (out.length === 0)
    throw new InputError(
      'manifests',
      options.manifests.join('\n'),
      'manifests that contain at least one Kubernetes object',
    );
  return out;
}

async function kustomize(kubectl: string, dir: string, shown: string, env?: Env): Promise<string> {
  const result = await runProcess([kubectl, 'kustomize', dir], env ? { env } : {}).catch((err: unknown) => {
    if (err instanceof CommandNotFound)
      throw new StepError(
        `kubectl is needed to render the kustomize directory "${shown}" but was not found on PATH`,
      );
    throw err;
  });
  if (result.code !== 0) {
    throw new StepError(
      `kubectl kustomize ${shown} failed: ${(result.stderr || `exit ${result.code}`).trim()}`,
    );
  }
  return result.stdout;
}

/** Multi-document YAML (or JSON) into objects; `kind: List` is flattened, empty documents skipped. */
export function parseManifest(text: string, source: string): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) {
      throw new StepError(`${source}: document ${index + 1} is not valid YAML: ${doc.errors[0]?.message}`);
    }
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const items = isList(value) ? value.items : [value];
    for (const item of items)
      out.push({ obj: checkObject(item, `${source} (document ${index + 1})`), source });
  }
  return out;
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown };
  return (
    typeof v === 'object' && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)
  );
}

function checkObject(value: unknown, where: string): KObject {
  const obj = value as KObject;
  if (typeof obj !== 'object' || Array.isArray(obj))
    throw new StepError(`${where} is not a Kubernetes object`);
  const missing = ['apiVersion', 'kind'].filter((k) => typeof obj[k] !== 'string' || !obj[k]);
  if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) missing.push('metadata.name');
  if (missing.length > 0) throw new StepError(`${where} has no ${missing.join(', ')}`);
  return obj;
}
