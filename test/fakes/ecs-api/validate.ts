/**
 * Validates awsJson1_1 request bodies against ECS's own API model: the Smithy schemas that
 * `@aws-sdk/client-ecs` ships (`RegisterTaskDefinition$`, `RegisterTaskDefinitionRequest$`, …),
 * which are generated from the service model AWS publishes. Checks that the operation exists,
 * required members are present, no unknown member is sent and every value has the right type.
 *
 * Schema encoding (@smithy/core/schema): a number is a simple type (0 string, 1 number,
 * 2 boolean, 4–7 timestamp, 15 document, 21 blob; `64 | t` list of t, `128 | t` map of t);
 * `[3, ns, name, traits, memberNames, memberSchemas, requiredCount?]` a structure (the first
 * requiredCount members are required); `[1, ns, name, traits, member]` a list;
 * `[2, ns, name, traits, key, value]` a map; `[9, ns, name, traits, input, output]` an operation;
 * a member schema may be a thunk `() => schema` or `[thunk, memberTraits]`.
 */
import * as ecs from '@aws-sdk/client-ecs';

type Schema = unknown;
const model = ecs as unknown as Record<string, unknown>;

/** The input schema of an ECS operation, or undefined when ECS has no such operation. */
export function operationInput(operation: string): Schema | undefined {
  const op = model[`${operation}$`];
  if (!Array.isArray(op) || op[0] !== 9) return undefined;
  return op[4];
}

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 5; i++) {
    if (typeof s === 'function') s = (s as () => Schema)();
    else if (Array.isArray(s) && (typeof s[0] === 'function' || Array.isArray(s[0])) && s.length === 2)
      s = s[0];
    else break;
  }
  return s;
}

/** Every violation of `value` against `schema`, as `path: problem` lines (empty when valid). */
export function validate(schema: Schema, value: unknown, path = '$'): string[] {
  const s = resolve(schema);
  if (typeof s === 'number') return validateSimple(s, value, path);
  if (!Array.isArray(s)) return [`${path}: unreadable schema`];
  switch (s[0]) {
    case 3:
      return validateStructure(s, value, path);
    case 1:
      if (!Array.isArray(value)) return [`${path}: expected a list (${s[2]}), got ${typeName(value)}`];
      return value.flatMap((v, i) => validate(s[4], v, `${path}[${i}]`));
    case 2:
      if (!isObject(value)) return [`${path}: expected a map (${s[2]}), got ${typeName(value)}`];
      return Object.entries(value).flatMap(([k, v]) => validate(s[5], v, `${path}.${k}`));
    default:
      return [`${path}: unsupported schema kind ${String(s[0])}`];
  }
}

function validateStructure(s: unknown[], value: unknown, path: string): string[] {
  if (!isObject(value)) return [`${path}: expected a ${String(s[2])} object, got ${typeName(value)}`];
  const names = s[4] as string[];
  const members = s[5] as Schema[] | number;
  const required = typeof s[6] === 'number' ? s[6] : 0;
  const out: string[] = [];
  for (let i = 0; i < required; i++) {
    const name = names[i] as string;
    if (value[name] === undefined || value[name] === null)
      out.push(`${path}.${name}: required member of ${String(s[2])} missing`);
  }
  for (const [key, v] of Object.entries(value)) {
    const index = names.indexOf(key);
    if (index < 0) {
      out.push(`${path}.${key}: not a member of ${String(s[2])}`);
      continue;
    }
    if (v === null || v === undefined) continue;
    const member = typeof members === 'number' ? members : members[index];
    out.push(...validate(member, v, `${path}.${key}`));
  }
  return out;
}

function validateSimple(type: number, value: unknown, path: string): string[] {
  if (type & 64) {
    if (!Array.isArray(value)) return [`${path}: expected a list, got ${typeName(value)}`];
    return value.flatMap((v, i) => validateSimple(type & ~64, v, `${path}[${i}]`));
  }
  if (type & 128) {
    if (!isObject(value)) return [`${path}: expected a map, got ${typeName(value)}`];
    return Object.entries(value).flatMap(([k, v]) => validateSimple(type & ~128, v, `${path}.${k}`));
  }
  const ok =
    type === 0 || type === 21
      ? typeof value === 'string'
      : type === 1 || (type >= 4 && type <= 7) || type === 17 || type === 19
        ? typeof value === 'number' && Number.isFinite(value)
        : type === 2
          ? typeof value === 'boolean'
          : true;
  return ok ? [] : [`${path}: expected ${simpleName(type)}, got ${typeName(value)}`];
}

function simpleName(type: number): string {
  if (type === 0) return 'a string';
  if (type === 2) return 'a boolean';
  if (type === 21) return 'base64 text';
  return 'a number';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v;
}
