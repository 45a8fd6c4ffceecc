/**
 * Task definitions as data: read a JSON/YAML file, turn a described revision back into a
 * registration request, pick and swap container images, and decide whether a rendered
 * definition differs from a registered one. No AWS calls here.
 */
import { readFile } from 'node:fs/promises';
import type { RegisterTaskDefinitionRequest, TaskDefinition } from '@aws-sdk/client-ecs';
import YAML from 'yaml';
import { InputError } from '../../errors.js';
import { type ImageRef, type ParsedImage, parseImageRef, sameRepository } from '../../image-ref.js';

export type TaskDefinitionInput = RegisterTaskDefinitionRequest;

/**
 * Fields DescribeTaskDefinition returns that RegisterTaskDefinition rejects or ignores. The SDK
 * silently drops unknown fields, so they are removed here, explicitly (plus `tags` of describe
 * output, which is registered separately, and `enableFaultInjection`'s siblings are kept).
 */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
  'deleteRequestedAt',
] as const;

/** Reads a task definition file (JSON or YAML, `{environment}` already in the path). */
export async function readTaskDefinitionFile(
  path: string,
  environment: string,
): Promise<TaskDefinitionInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(
      'task-definition',
      path,
      `the file cannot be read (${(err as NodeJS.ErrnoException).code ?? err})`,
    );
  }
  let data: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both; errors name line and column.
    data = YAML.parse(text.replaceAll('{environment}', environment), { prettyErrors: true });
  } catch (err) {
    throw new InputError(
      'task-definition',
      path,
      `it is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  // Accept the output of `aws ecs describe-task-definition` as it is: { taskDefinition: {...} }.
  if (isObject(data) && isObject(data.taskDefinition) && !data.family) data = data.taskDefinition;
  if (!isObject(data)) throw new InputError('task-definition', path, 'it must hold a task definition object');
  if (typeof data.family !== 'string' || !data.family) {
    throw new InputError('task-definition', path, 'it has no `family`');
  }
  const containers = data.containerDefinitions;
  if (!Array.isArray(containers) || !containers.length) {
    throw new InputError('task-definition', path, 'it has no `containerDefinitions`');
  }
  for (const [i, c] of containers.entries()) {
    if (!isObject(c) || typeof c.name !== 'string' || typeof c.image !== 'string') {
      throw new InputError(
        'task-definition',
        path,
        `containerDefinitions[${i}] needs a string \`name\` and \`image\``,
      );
    }
  }
  // ECS types task-level cpu/memory as strings ("256", "0.5 vCPU"); YAML files often say 256.
  for (const key of ['cpu', 'memory']) if (typeof data[key] === 'number') data[key] = String(data[key]);
  return toRegistration(data as TaskDefinition);
}

/** A described (or file) definition as a RegisterTaskDefinition request: read-only fields gone. */
export function toRegistration(def: TaskDefinition | Record<string, unknown>): TaskDefinitionInput {
  const copy: Record<string, unknown> = structuredClone(def) as Record<string, unknown>;
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy as unknown as TaskDefinitionInput;
}

/**
 * Names of the containers whose image is set: the `containers` input, else every container
 * running the deployed image's repository. None ⇒ a clear error (the image would go nowhere).
 */
export function selectContainers(
  def: TaskDefinitionInput,
  image: ParsedImage | undefined,
  wanted: string[] | undefined,
  source: string,
): string[] {
  const names = (def.containerDefinitions ?? []).map((c) => c.name ?? '');
  if (wanted?.length) {
    const unknown = wanted.filter((w) => !names.includes(w));
    if (unknown.length) {
      throw new InputError(
        'containers',
        wanted.join(', '),
        `${source} has no container ${unknown.map((u) => `"${u}"`).join(', ')} (it has ${names.join(', ')})`,
      );
    }
    return wanted;
  }
  if (!image) return names;
  const matching = (def.containerDefinitions ?? [])
    .filter((c) => c.image && safeSameRepository(c.image, image.ref))
    .map((c) => c.name ?? '');
  if (!matching.length) {
    const images = (def.containerDefinitions ?? []).map((c) => `${c.name}=${c.image}`).join(', ');
    throw new InputError(
      'containers',
      '',
      `no container of ${source} runs the repository of ${image.text} (${images}); name the containers to update with \`containers\``,
    );
  }
  return matching;
}

function safeSameRepository(a: string, b: ImageRef): boolean {
  try {
    return sameRepository(a, b);
  } catch {
    return false; // e.g. an image given as an ECR pull-through placeholder we cannot parse
  }
}

/** The definition with `image` set on the named containers (a copy). */
export function withImage(
  def: TaskDefinitionInput,
  containers: string[],
  image: string,
): TaskDefinitionInput {
  const copy = structuredClone(def);
  for (const c of copy.containerDefinitions ?? []) if (c.name && containers.includes(c.name)) c.image = image;
  return copy;
}

/** The image of the first of `containers` (the one reported as "the" image). */
export function imageOf(
  def: { containerDefinitions?: Array<{ name?: string; image?: string }> },
  containers: string[],
): string {
  const defs = def.containerDefinitions ?? [];
  const first = defs.find((c) => c.name && containers.includes(c.name)) ?? defs[0];
  return first?.image ?? '';
}

/** True when an image reference pins a digest (a tag may move under the revision). */
export function isPinned(image: string): boolean {
  try {
    return Boolean(parseImageRef(image).digest);
  } catch {
    return image.includes('@sha256:');
  }
}

/**
 * Whether registering `rendered` would give the same task as `current`. ECS fills defaults in
 * what it describes (`essential: true`, empty `portMappings`, `mountPoints`, `volumes` …), and
 * key order is irrelevant, so both sides are normalised before comparing — otherwise every run
 * would register a new revision, as the anchor action does.
 */
export function sameDefinition(rendered: TaskDefinitionInput, current: TaskDefinition): boolean {
  return canonical(normalise(rendered)) === canonical(normalise(toRegistration(current)));
}

function normalise(def: TaskDefinitionInput): unknown {
  const copy = structuredClone(def) as unknown as Record<string, unknown>;
  delete copy.tags; // tags are not part of the revision's content
  for (const c of (copy.containerDefinitions as Array<Record<string, unknown>> | undefined) ?? []) {
    if (c.essential === true) delete c.essential;
  }
  // ECS reports task-level cpu/memory as strings even when registered as numbers.
  for (const key of ['cpu', 'memory']) if (typeof copy[key] === 'number') copy[key] = String(copy[key]);
  return prune(copy);
}

/** Drops null/undefined, empty lists and empty objects, recursively. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = prune(v);
    if (p === null || p === undefined) continue;
    if (Array.isArray(p) && !p.length) continue;
    if (isObject(p) && !Object.keys(p).length) continue;
    out[k] = p;
  }
  return out;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
