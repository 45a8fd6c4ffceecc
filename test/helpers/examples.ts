/** Loads an example directory and adapts its pipeline to this machine for gitlab-ci-local. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { CLI, component } from './gitlab-ci-local.js';
import { ROOT } from './runner.js';

/** Every file of examples/<path>, as path → content. */
export function exampleFiles(path: string): Record<string, string> {
  const dir = join(ROOT, 'examples', path);
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }).map(String)) {
    const full = join(dir, entry);
    if (statSync(full).isFile()) files[relative(dir, full)] = readFileSync(full, 'utf8');
  }
  return files;
}

/**
 * The only changes the tests make to an example pipeline: components come from this work tree
 * (the test project's catalog) and run the committed CLI bundle, and `extra` inputs are added per
 * component (e.g. `tls-verify: false` for the loopback registry).
 */
export function localizePipeline(
  text: string,
  extra: Record<string, Record<string, unknown>> = {},
  cli: string | null = CLI,
): string {
  const doc = YAML.parse(text);
  for (const item of doc.include ?? []) {
    const match = /\/stagecraft\/([a-z-]+)@/.exec(item.component ?? '');
    if (!match) continue;
    const name = match[1] as string;
    item.component = component(name);
    // cli null: the component's defaults (job image and `stagecraft`) are kept.
    item.inputs = { ...item.inputs, ...(cli ? { cli } : {}), ...(extra[name] ?? {}) };
  }
  return YAML.stringify(doc);
}
