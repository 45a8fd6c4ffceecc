/**
 * A small evaluator for GitHub Actions expressions (`${{ … }}`), enough to run workflows and
 * composite actions step by step in tests: literals, property access, ! == != < <= > >= && ||,
 * parentheses, and the functions workflows use (success, failure, always, cancelled, contains,
 * startsWith, endsWith, format, join, toJSON, fromJSON). Semantics follow GitHub's docs:
 * && and || return an operand, == compares strings case-insensitively, missing properties are null.
 */
type Value = unknown;
export type Functions = Record<string, (...args: Value[]) => Value>;

interface Token {
  kind: 'num' | 'str' | 'id' | 'op' | 'end';
  text: string;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      i++;
      while (i < src.length) {
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (src[i] === "'") break;
        else s += src[i++];
      }
      i++;
      tokens.push({ kind: 'str', text: s });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'num', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'id', text: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      const op = ['==', '!=', '<=', '>=', '&&', '||'].includes(two) ? two : c;
      if (!'!<>()[].,*'.includes(op) && op.length === 1)
        throw new Error(`unexpected "${c}" in expression: ${src}`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

function truthy(v: Value): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === '' || Number.isNaN(v));
}

function toNumber(v: Value): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return Number.NaN;
}

function equal(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b || a === null || b === null) return a === b || (a ?? null) === (b ?? null);
  return toNumber(a) === toNumber(b);
}

export function toText(v: Value): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, null, 2);
  return String(v);
}

export function evaluate(src: string, context: Record<string, Value>, functions: Functions = {}): Value {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos] as Token;
  const next = () => tokens[pos++] as Token;
  const expect = (text: string) => {
    if (next().text !== text) throw new Error(`expected "${text}" in expression: ${src}`);
  };

  const builtins: Functions = {
    contains: (hay, needle) =>
      Array.isArray(hay)
        ? hay.some((h) => equal(h, needle))
        : toText(hay).toLowerCase().includes(toText(needle).toLowerCase()),
    startsWith: (a, b) => toText(a).toLowerCase().startsWith(toText(b).toLowerCase()),
    endsWith: (a, b) => toText(a).toLowerCase().endsWith(toText(b).toLowerCase()),
    format: (f, ...args) => toText(f).replace(/\{(\d+)\}/g, (_, n) => toText(args[Number(n)])),
    join: (arr, sep = ',') => (Array.isArray(arr) ? arr.map(toText).join(toText(sep)) : toText(arr)),
    toJSON: (v) => JSON.stringify(v, null, 2),
    fromJSON: (v) => JSON.parse(toText(v)),
    ...functions,
  };

  function primary(): Value {
    const t = next();
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'op' && t.text === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t.kind === 'op' && t.text === '!') return !truthy(unary());
    if (t.kind !== 'id') throw new Error(`unexpected "${t.text}" in expression: ${src}`);
    if (t.text === 'true') return true;
    if (t.text === 'false') return false;
    if (t.text === 'null') return null;
    if (peek().text === '(') {
      next();
      const args: Value[] = [];
      while (peek().text !== ')') {
        args.push(or());
        if (peek().text === ',') next();
      }
      next();
      const fn =
        builtins[t.text] ??
        builtins[Object.keys(builtins).find((k) => k.toLowerCase() === t.text.toLowerCase()) ?? ''];
      if (!fn) throw new Error(`unknown function ${t.text}() in expression: ${src}`);
      return fn(...args);
    }
    let value: Value = context[t.text];
    for (;;) {
      if (peek().text === '.') {
        next();
        const key = next().text;
        value = value && typeof value === 'object' ? (value as Record<string, Value>)[key] : undefined;
      } else if (peek().text === '[') {
        next();
        const key = or();
        expect(']');
        value =
          value && typeof value === 'object' ? (value as Record<string, Value>)[toText(key)] : undefined;
      } else break;
    }
    return value ?? null;
  }
  function unary(): Value {
    return primary();
  }
  function comparison(): Value {
    let left = unary();
    while (['==', '!=', '<', '<=', '>', '>='].includes(peek().text)) {
      const op = next().text;
      const right = unary();
      if (op === '==') left = equal(left, right);
      else if (op === '!=') left = !equal(left, right);
      else {
        const [a, b] = [toNumber(left), toNumber(right)];
        left = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
      }
    }
    return left;
  }
  function and(): Value {
    let left = comparison();
    while (peek().text === '&&') {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek().text === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const result = or();
  if (peek().kind !== 'end') throw new Error(`unexpected "${peek().text}" in expression: ${src}`);
  return result;
}

/** Replaces every `${{ expr }}` in text with its value as text. */
export function interpolate(text: string, context: Record<string, Value>, functions: Functions = {}): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) =>
    toText(evaluate(expr, context, functions)),
  );
}

/** An `if:` condition: `${{ }}` optional; without a status function, `success() &&` is implied. */
export function condition(
  text: string | boolean | undefined,
  context: Record<string, Value>,
  functions: Functions,
): boolean {
  if (text === undefined) return truthy(functions.success?.());
  const expr = String(text).replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1');
  const hasStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expr);
  const value = truthy(evaluate(expr, context, functions));
  return hasStatus ? value : value && truthy(functions.success?.());
}
