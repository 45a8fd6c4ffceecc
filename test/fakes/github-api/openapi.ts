/**
 * Checks requests against GitHub's official OpenAPI description (@octokit/openapi,
 * api.github.com.json): the method + path must match an operation, path and query parameters
 * their declared types, and the JSON body the operation's schema (required fields, types, enums,
 * no unknown fields). What it finds is returned as violations; the fake answers them with a 4xx.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Schema = {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
};
type Parameter = { $ref?: string; name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
};
type Spec = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter> };
};

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literals: number;
  operation: Operation;
}

let routes: Route[] | undefined;
let spec: Spec | undefined;

function load(): Route[] {
  if (routes) return routes;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  spec = JSON.parse(readFileSync(file, 'utf8')) as Spec;
  routes = [];
  for (const [template, ops] of Object.entries(spec.paths)) {
    const names: string[] = [];
    const source = template
      .split('/')
      .map((seg) => {
        const m = /^\{(.+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(m[1] as string);
        return '([^/]+)';
      })
      .join('/');
    for (const [method, operation] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      routes.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(`^${source}$`),
        names,
        literals: template.split('/').length - names.length,
        operation,
      });
    }
  }
  // Literal segments win over parameters (/issues/comments/{id} before /issues/{n}/…).
  routes.sort((a, b) => b.literals - a.literals);
  return routes;
}

function deref<T extends { $ref?: string }>(node: T): T {
  let current = node;
  for (let i = 0; current?.$ref && i < 20; i++) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    current = path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as T;
  }
  return current;
}

export interface Matched {
  operationId: string;
  template: string;
  params: Record<string, string>;
}

export interface Validation {
  match?: Matched;
  violations: string[];
}

function typeOk(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/** Problems of `value` against `schema` (depth-limited, which is plenty for request bodies). */
export function checkSchema(raw: Schema, value: unknown, where: string, depth = 0): string[] {
  const schema = deref(raw);
  if (!schema || depth > 6) return [];
  if (value === null && schema.nullable) return [];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const results = alternatives.map((s) => checkSchema(s, value, where, depth + 1));
    return results.some((r) => r.length === 0) ? [] : [`${where}: matches none of the allowed shapes`];
  }
  if (schema.allOf) return schema.allOf.flatMap((s) => checkSchema(s, value, where, depth + 1));
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.some((t) => typeOk(t, value))) {
    return [`${where}: expected ${types.join(' or ')}, got ${JSON.stringify(value)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [
      `${where}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    ];
  }
  const problems: string[] = [];
  if (Array.isArray(value) && schema.items) {
    for (const [i, item] of value.entries()) {
      problems.push(...checkSchema(schema.items, item, `${where}[${i}]`, depth + 1));
    }
  }
  if (typeOk('object', value) && schema.properties) {
    const obj = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in obj)) problems.push(`${where}: required field "${name}" is missing`);
    }
    for (const [name, v] of Object.entries(obj)) {
      const prop = schema.properties[name];
      if (prop) problems.push(...checkSchema(prop, v, `${where}.${name}`, depth + 1));
      else if (schema.additionalProperties === undefined || schema.additionalProperties === false) {
        problems.push(`${where}: unknown field "${name}"`);
      }
    }
  }
  return problems;
}

function paramOk(param: Parameter, text: string): boolean {
  const schema = param.schema ? deref(param.schema) : undefined;
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if (type === 'integer') return /^-?\d+$/.test(text);
  if (type === 'boolean') return text === 'true' || text === 'false';
  if (schema?.enum) return schema.enum.includes(text);
  return true;
}

/** Matches a request to an operation of the description and lists what is wrong with it. */
export function validateRequest(method: string, url: URL, body: unknown): Validation {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const candidates = load().filter((r) => r.regex.test(path));
  const route = candidates.find((r) => r.method === method);
  if (!route) {
    return {
      violations: [
        candidates.length
          ? `${method} ${path}: method not allowed (the description has ${candidates.map((c) => c.method).join(', ')})`
          : `${method} ${path}: no such route in GitHub's REST API description`,
      ],
    };
  }
  const values = (route.regex.exec(path) as RegExpExecArray).slice(1).map(decodeURIComponent);
  const params = Object.fromEntries(route.names.map((n, i) => [n, values[i] as string]));
  const match: Matched = { operationId: route.operation.operationId, template: route.template, params };
  const violations: string[] = [];
  const declared = (route.operation.parameters ?? []).map((p) => deref(p));
  for (const p of declared) {
    const text = p.in === 'path' ? params[p.name] : p.in === 'query' ? url.searchParams.get(p.name) : null;
    if (text === null || text === undefined) {
      if (p.required && p.in !== 'header')
        violations.push(`${method} ${route.template}: ${p.in} parameter "${p.name}" is required`);
    } else if (!paramOk(p, text)) {
      violations.push(
        `${method} ${route.template}: ${p.in} parameter ${p.name}=${JSON.stringify(text)} has the wrong type`,
      );
    }
  }
  for (const name of url.searchParams.keys()) {
    if (!declared.some((p) => p.in === 'query' && p.name === name)) {
      violations.push(`${method} ${route.template}: unknown query parameter "${name}"`);
    }
  }
  const requestBody = route.operation.requestBody;
  const schema = requestBody?.content?.['application/json']?.schema;
  if (body === undefined) {
    if (requestBody?.required) violations.push(`${method} ${route.template}: a JSON body is required`);
  } else if (!schema) {
    violations.push(`${method} ${route.template}: takes no request body`);
  } else {
    violations.push(...checkSchema(schema, body, 'body').map((v) => `${method} ${route.template}: ${v}`));
  }
  return { match, violations };
}
