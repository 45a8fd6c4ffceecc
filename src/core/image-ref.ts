/**
 * Image references as the Docker/OCI tools read them: `[registry/]repository[:tag][@digest]`.
 * `docker.io` is implied when the first component is not a host; `library/` for single names.
 */
export interface ImageRef {
  /** Registry host[:port], e.g. `registry.example.com`, `127.0.0.1:5000`, `docker.io`. */
  registry: string;
  /** Repository path inside the registry, e.g. `team/app`, `library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class ImageRefError extends Error {}

function isHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses a reference; throws ImageRefError naming what is wrong. */
export function parseImageRef(text: string): ImageRef {
  const input = text.trim();
  if (!input) throw new ImageRefError('an image reference is empty');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ImageRefError(`"${digest}" is not a sha256 digest in "${input}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ImageRefError(`"${tag}" is not a valid tag in "${input}"`);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isHost(parts[0] as string)) registry = parts.shift() as string;
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      throw new ImageRefError(
        `"${part}" is not a valid repository name component in "${input}" (lowercase letters, digits, . _ -)`,
      );
    }
  }
  return { registry, repository: parts.join('/'), ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository` without tag or digest, as users write it (docker.io kept implicit). */
export function repositoryName(ref: ImageRef): string {
  if (ref.registry === 'docker.io') {
    return ref.repository.startsWith('library/') ? ref.repository.slice(8) : ref.repository;
  }
  return `${ref.registry}/${ref.repository}`;
}

export function formatImageRef(ref: ImageRef): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** True when two references name the same repository (tags and digests ignored). */
export function sameRepository(a: string | ImageRef, b: string | ImageRef): boolean {
  const x = typeof a === 'string' ? parseImageRef(a) : a;
  const y = typeof b === 'string' ? parseImageRef(b) : b;
  return x.registry === y.registry && x.repository === y.repository;
}

/** An image reference parsed once at the edge: the text as the user wrote it (trimmed) and its parts. */
export interface ParsedImage {
  text: string;
  ref: ImageRef;
}

export function parseImage(raw: string): ParsedImage {
  return { text: raw.trim(), ref: parseImageRef(raw) };
}
