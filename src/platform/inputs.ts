/**
 * Typed step inputs, declared once. Each declaration carries what action.yml, the GitLab
 * component spec, the CLI help and the README need (description, default, required, secret),
 * and a zod schema that turns the raw text into a typed value or one clear error.
 */
import * as z from 'zod/mini';
import { DURATION_HELP, parseDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';

export type InputKind = 'string' | 'boolean' | 'number' | 'duration' | 'list' | 'lines';

export interface InputDef<T = unknown> {
  kind: InputKind;
  description: string;
  default?: string;
  required?: boolean;
  secret?: boolean;
  options?: readonly string[];
  /** For secret inputs: the parts to mask (default: the whole value and each of its lines). */
  secretParts?: (raw: string) => string[];
  /** Human text of what is accepted, used in the error message. */
  accepted: string;
  schema: z.ZodMiniType<T, string>;
}

type Common = {
  description: string;
  default?: string;
  /** action.yml default when it differs from the CLI's, e.g. `${{ github.token }}`. */
  githubDefault?: string;
  required?: boolean;
  secret?: boolean;
  secretParts?: (raw: string) => string[];
};

/** Adds a custom check to a string schema: `fn` returns the parsed value or throws with the reason. */
function refine<T>(fn: (text: string) => T) {
  return z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      try {
        return fn(text);
      } catch (err) {
        ctx.issues.push({ code: 'custom', message: (err as Error).message, input: text });
        return z.NEVER;
      }
    }),
  );
}

export function text<const C extends Common & { pattern?: RegExp; accepted?: string }>(
  def: C,
): InputDef<string> & C {
  const pattern = def.pattern;
  return {
    kind: 'string',
    ...def,
    accepted: def.accepted ?? (pattern ? `text matching ${pattern}` : 'text'),
    schema: pattern ? z.string().check(z.regex(pattern)) : z.string(),
  };
}

/** A value that must be parsed by a core function (check lines, image refs, …). */
export function parsed<
  T,
  const C extends Common & { accepted: string; kind?: InputKind } = Common & { accepted: string },
>(def: C, parse: (text: string) => T): InputDef<T> & C {
  return { kind: 'string', ...def, schema: refine(parse) } as InputDef<T> & C;
}

export function bool<const C extends Common>(def: C): InputDef<boolean> & C {
  return {
    kind: 'boolean',
    ...def,
    accepted: 'true or false',
    // The same spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
    schema: z.pipe(
      z.enum(['true', 'True', 'TRUE', 'false', 'False', 'FALSE']),
      z.transform((v: 'true' | 'True' | 'TRUE' | 'false' | 'False' | 'FALSE') => v.toLowerCase() === 'true'),
    ),
  };
}

export function int<const C extends Common & { min?: number; max?: number }>(def: C): InputDef<number> & C {
  const min = def.min ?? 0;
  const max = def.max ?? Number.MAX_SAFE_INTEGER;
  return {
    kind: 'number',
    ...def,
    accepted: `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`,
    schema: z.pipe(
      z.pipe(z.string().check(z.regex(/^\s*\d+\s*$/)), z.transform(Number)),
      z.number().check(z.int(), z.minimum(min), z.maximum(max)),
    ),
  };
}

export function duration<const C extends Common & { min?: number }>(def: C): InputDef<number> & C {
  const min = def.min ?? 0;
  return {
    kind: 'duration',
    ...def,
    accepted: DURATION_HELP,
    schema: refine((t) => {
      const ms = parseDuration(t);
      if (ms === undefined) throw new Error('not a duration');
      if (ms < min) throw new Error(`must be at least ${min}ms`);
      return ms;
    }),
  };
}

export function choice<const O extends readonly string[], const C extends Common>(
  def: C & { options: O },
): InputDef<O[number]> & C {
  return {
    kind: 'string',
    ...def,
    accepted: `one of ${def.options.join(', ')}`,
    schema: z.enum(def.options as unknown as [O[number], ...O[number][]]),
  };
}

/** Splits a list input: newlines or commas, trimmed, empty entries dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Splits a multi-line input where items may contain commas (checks, headers). */
export function splitLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
}

export function list<const C extends Common & { accepted?: string }>(def: C): InputDef<string[]> & C {
  return {
    kind: 'list',
    ...def,
    accepted: def.accepted ?? 'a list, one item a line or comma-separated',
    schema: z.pipe(z.string(), z.transform(splitList)),
  };
}

export type InputDefs = Record<string, InputDef>;

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type ValueOf<D> = D extends InputDef<infer T> ? T : never;
type IsRequired<D> = D extends { required: true } ? true : D extends { default: string } ? true : false;

/** The typed object a step receives: camelCase keys; inputs with no default and not required are optional. */
export type Inputs<Defs extends InputDefs> = {
  [K in keyof Defs as IsRequired<Defs[K]> extends true ? Camel<K & string> : never]: ValueOf<Defs[K]>;
} & {
  [K in keyof Defs as IsRequired<Defs[K]> extends true ? never : Camel<K & string>]?: ValueOf<Defs[K]>;
};

export function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Validates every input, in declaration order, and returns the typed object.
 * `read` returns undefined (or '') for an input that was not given. Secrets are registered
 * through `mask` before anything is validated, so no error can print them.
 */
export function parseInputs<Defs extends InputDefs>(
  defs: Defs,
  read: (name: string) => string | undefined,
  mask: (secret: string) => void = () => {},
): Inputs<Defs> {
  const raw = new Map<string, string | undefined>();
  for (const [name, def] of Object.entries(defs)) {
    const given = read(name);
    const value = given === undefined || given === '' ? def.default : given;
    if (def.secret && value) {
      const parts = def.secretParts ? def.secretParts(value) : [value, ...value.split(/\r?\n/)];
      for (const part of parts) if (part.trim()) mask(part.trim());
    }
    raw.set(name, value);
  }
  const result: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs)) {
    const value = raw.get(name);
    if (value === undefined || value === '') {
      if (def.required) throw new InputError(name, '', `it is required (${def.accepted})`);
      continue;
    }
    const parsedValue = def.schema.safeParse(value);
    if (!parsedValue.success) {
      const reason =
        parsedValue.error.issues[0]?.code === 'custom' ? parsedValue.error.issues[0].message : '';
      throw new InputError(
        name,
        value,
        reason ? `${reason}; expected ${def.accepted}` : `expected ${def.accepted}`,
        def.secret,
      );
    }
    result[camel(name)] = parsedValue.data;
  }
  return result as Inputs<Defs>;
}
