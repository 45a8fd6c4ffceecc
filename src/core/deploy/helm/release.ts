/**
 * What the helm strategy reads from a release: the workloads of its manifest (the objects
 * `helm get manifest` lists; those without a namespace live in the release's), the image written
 * through `image-key`, and the `--set-string` text Helm's parser reads back literally.
 */
import { parseAllDocuments } from 'yaml';
import type { ParsedImage } from '../../image-ref.js';
import type { KObject } from '../kubernetes/client.js';
import { rolloutRefs } from '../kubernetes/target.js';
import type { WorkloadRef } from '../kubernetes/workloads.js';

/** Each object of a rendered manifest by `kind/name`, as JSON text (what a dry run compares). */
export function manifestObjects(manifest: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as KObject | null;
    if (!obj || typeof obj !== 'object' || !obj.kind || !obj.metadata?.name) continue;
    out.set(`${String(obj.kind).toLowerCase()}/${obj.metadata.name}`, JSON.stringify(obj));
  }
  return out;
}

/** What an upgrade from `before` to `after` changes, object by object (a dry run's template diff). */
export function manifestChanges(before: string, after: string): string[] {
  const a = manifestObjects(before);
  const b = manifestObjects(after);
  const lines: string[] = [];
  for (const [name, text] of b) {
    if (!a.has(name)) lines.push(`${name}: created`);
    else if (a.get(name) !== text) lines.push(`${name}: changed`);
  }
  for (const name of a.keys()) if (!b.has(name)) lines.push(`${name}: deleted`);
  return lines;
}

/** The workloads (Deployments, StatefulSets, DaemonSets) of a rendered release manifest. */
export function releaseWorkloads(manifest: string, namespace: string): WorkloadRef[] {
  const objects: KObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as KObject | null;
    if (!obj || typeof obj !== 'object' || !obj.kind || !obj.metadata?.name) continue;
    if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
    objects.push(obj);
  }
  return rolloutRefs(objects);
}

/**
 * `<key>.repository` and `<key>.tag` for an image. A digest-pinned reference keeps its pin in
 * the tag (`<tag>@sha256:…`, `latest@sha256:…` without a tag: the digest decides what is pulled),
 * so a `{{ repository }}:{{ tag }}` template renders a valid pinned reference.
 */
export function imageValues(image: ParsedImage): { repository: string; tag: string } {
  const at = image.text.indexOf('@');
  const name = at >= 0 ? image.text.slice(0, at) : image.text;
  const tag = image.ref.tag ?? 'latest';
  const repository = image.ref.tag ? name.slice(0, name.length - image.ref.tag.length - 1) : name;
  return { repository, tag: image.ref.digest ? `${tag}@${image.ref.digest}` : tag };
}

/** A `--set-string` assignment whose value Helm's strvals parser reads back as exactly `value`. */
export function setString(key: string, value: string): string {
  return `${key}=${value.replaceAll('\\', '\\\\').replaceAll(',', '\\,')}`;
}

/** The image a release's values name under `key` (`repository:tag`), when they do. */
export function imageFromValues(values: Record<string, unknown>, key: string): string | undefined {
  let node: unknown = values;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const v = node as { repository?: unknown; tag?: unknown } | undefined;
  if (typeof v?.repository !== 'string' || !v.repository) return undefined;
  return typeof v.tag === 'string' && v.tag ? `${v.repository}:${v.tag}` : v.repository;
}
