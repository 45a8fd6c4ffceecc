/**
 * Environment rules: `ref-glob=environment`, one a line, first match wins. They turn the ref a
 * pipeline runs for (GitHub or GitLab) into the environment to deploy, e.g. setup 2's
 * `refs/heads/development=dev`, `refs/tags/v*=prd`, `refs/merge-requests/*=dev`.
 */

export interface EnvironmentRule {
  pattern: string;
  environment: string;
  regex: RegExp;
}

/** Environment names end up in file paths (`deploy/{environment}/values.yaml`): keep them plain. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const RULES_HELP =
  'one `ref-glob=environment` a line (e.g. `refs/heads/main=staging`, `refs/tags/v*=production`); ' +
  '`*` matches any text including `/`, `?` one character; a glob without `refs/` matches the branch or tag name';

export function globToRegex(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Parses the rules text; throws naming the line that is wrong. */
export function parseEnvironmentRules(text: string): EnvironmentRule[] {
  const rules: EnvironmentRule[] = [];
  const lines = text.split(/\r?\n|,/).map((l) => l.trim());
  for (const [index, line] of lines.entries()) {
    if (!line || line.startsWith('#')) continue;
    const eq = line.lastIndexOf('=');
    const pattern = line.slice(0, Math.max(eq, 0)).trim();
    const environment = line.slice(eq + 1).trim();
    if (eq <= 0 || !pattern) throw new Error(`rule ${index + 1} "${line}" is not ref-glob=environment`);
    if (!ENVIRONMENT_NAME.test(environment)) {
      throw new Error(
        `rule ${index + 1} "${line}": environment "${environment}" must be letters, digits, . _ - (max 64)`,
      );
    }
    rules.push({ pattern, environment, regex: globToRegex(pattern) });
  }
  return rules;
}

/**
 * The names a ref can be matched by: itself, its short name, and for pull/merge requests the
 * other platform's spelling, so `refs/pull/*=staging` works on GitLab merge requests too.
 */
export function refCandidates(ref: string): string[] {
  const names = [ref];
  const pull = /^refs\/(pull|merge-requests)\/(\d+)\/(.+)$/.exec(ref);
  if (pull) {
    names.push(`refs/${pull[1] === 'pull' ? 'merge-requests' : 'pull'}/${pull[2]}/${pull[3]}`);
  }
  return names;
}

function shortName(ref: string): string | undefined {
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/tags/')) return ref.slice('refs/tags/'.length);
  return undefined;
}

/** The environment of the first rule matching `ref`, or undefined when none matches. */
export function resolveEnvironment(
  rules: EnvironmentRule[],
  ref: string,
): { environment: string; rule: string } | undefined {
  const full = refCandidates(ref);
  const short = shortName(ref);
  for (const rule of rules) {
    const names = rule.pattern.startsWith('refs/') ? full : short !== undefined ? [short] : [];
    if (names.some((name) => rule.regex.test(name))) {
      return { environment: rule.environment, rule: `${rule.pattern}=${rule.environment}` };
    }
  }
  return undefined;
}
