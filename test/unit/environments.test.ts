import { describe, expect, it } from '@jest/globals';
import { previousValue } from '../../src/core/deploy/gitops/history.js';
import { getYamlValue, KeyPathError, setYamlValue } from '../../src/core/deploy/gitops/yaml-edit.js';
import { parseEnvironmentRules, resolveEnvironment } from '../../src/core/environments.js';
import { parseKeyPath, parseRepoPath } from '../../src/steps/strategies/gitops/inputs.js';

// Setup 2 (kustomize-branches): branch decides the environment, release tags go to prd, MRs to dev.
const setup2 = parseEnvironmentRules(
  [
    'refs/heads/development=dev',
    'refs/heads/staging=stg',
    'refs/heads/master=ppd',
    'refs/tags/v*=prd',
    'refs/merge-requests/*=dev',
  ].join('\n'),
);

describe('environment rules', () => {
  it.each([
    ['refs/heads/development', 'dev'],
    ['refs/heads/staging', 'stg'],
    ['refs/heads/master', 'ppd'],
    ['refs/tags/v1.4.0', 'prd'],
    ['refs/merge-requests/42/head', 'dev'],
    // The same rule also matches a GitHub pull request.
    ['refs/pull/7/merge', 'dev'],
  ])('%s → %s', (ref, environment) => {
    expect(resolveEnvironment(setup2, ref)?.environment).toBe(environment);
  });

  it('returns undefined when no rule matches (the step then skips)', () => {
    expect(resolveEnvironment(setup2, 'refs/heads/feature/x')).toBeUndefined();
    expect(resolveEnvironment(setup2, 'refs/tags/nightly')).toBeUndefined();
    expect(resolveEnvironment(setup2, '')).toBeUndefined();
  });

  it('takes the first matching rule and lets short globs match branch or tag names', () => {
    const rules = parseEnvironmentRules('release/*=stg\nrelease/1.*=never\n*=dev');
    expect(resolveEnvironment(rules, 'refs/heads/release/1.2')?.environment).toBe('stg');
    expect(resolveEnvironment(rules, 'refs/heads/anything')?.environment).toBe('dev');
    // Short globs never match pull refs: those need an explicit refs/pull/* rule.
    expect(resolveEnvironment(rules, 'refs/pull/3/merge')).toBeUndefined();
  });

  it('applies the contract default: main → staging, v* tags → production', () => {
    const rules = parseEnvironmentRules('refs/heads/main=staging\nrefs/tags/v*=production');
    expect(resolveEnvironment(rules, 'refs/heads/main')?.environment).toBe('staging');
    expect(resolveEnvironment(rules, 'refs/tags/v2.0.0')?.environment).toBe('production');
    expect(resolveEnvironment(rules, 'refs/heads/mainline')).toBeUndefined();
  });

  it('rejects malformed rules and unsafe environment names, naming the rule', () => {
    expect(() => parseEnvironmentRules('refs/heads/main')).toThrow(/rule 1 .* ref-glob=environment/);
    expect(() => parseEnvironmentRules('ok=dev\nrefs/heads/x=../prod')).toThrow(/rule 2 .*"\.\.\/prod"/);
  });
});

describe('gitops inputs', () => {
  it('rejects file paths that leave the repository', () => {
    expect(() => parseRepoPath('../other/values.yaml')).toThrow(/outside the repository/);
    expect(() => parseRepoPath('deploy/../../x.yaml')).toThrow(/outside the repository/);
    expect(() => parseRepoPath('/etc/passwd')).toThrow(/relative/);
    expect(() => parseRepoPath('.git/config')).toThrow(/\.git/);
    expect(parseRepoPath('./deploy/{environment}/values.yaml')).toBe('deploy/{environment}/values.yaml');
  });

  it('parses key paths and rejects empty segments', () => {
    expect(parseKeyPath('image.tag')).toEqual(['image', 'tag']);
    expect(() => parseKeyPath('image..tag')).toThrow(/not a key segment/);
    expect(() => parseKeyPath('image.tag ')).not.toThrow();
  });
});

const values = `# Values for the developer environment (Argo CD syncs this file)
replicaCount: 2

image:
  repository: registry.example.com/team/app   # pushed by CI
  tag: 'abc1234'    # <- stagecraft writes here
  pullPolicy: IfNotPresent

sidecars:
  - name: proxy
    image: { repository: envoy, tag: v1.30 }
`;

describe('yaml edit', () => {
  it('changes only the value: comments, quoting, spacing and order stay byte-identical', () => {
    const edit = setYamlValue(values, ['image', 'tag'], 'def5678');
    expect(edit.previous).toBe('abc1234');
    expect(edit.text).toBe(values.replace("'abc1234'", "'def5678'"));
  });

  it('reaches into lists and flow maps', () => {
    const edit = setYamlValue(values, ['sidecars', '0', 'image', 'tag'], 'v1.31');
    expect(edit.text).toBe(values.replace('tag: v1.30', 'tag: v1.31'));
  });

  it('quotes a plain value that would otherwise read as a number', () => {
    const text = 'image:\n  tag: abc\n';
    const edit = setYamlValue(text, ['image', 'tag'], '1.10');
    expect(edit.text).toBe('image:\n  tag: "1.10"\n');
    expect(getYamlValue(edit.text, ['image', 'tag'])).toBe('1.10');
  });

  it('reports an unchanged value', () => {
    expect(setYamlValue(values, ['image', 'tag'], 'abc1234')).toEqual({
      text: values,
      previous: 'abc1234',
      changed: false,
    });
  });

  it('names what exists when the key path is wrong', () => {
    expect(() => setYamlValue(values, ['image', 'version'], 'x')).toThrow(
      /key "image.version" not found.*repository, tag, pullPolicy/,
    );
    expect(() => setYamlValue(values, ['image'], 'x')).toThrow(/is a mapping, not a single value/);
    expect(() => setYamlValue(values, ['replicaCount', 'x'], 'x')).toThrow(KeyPathError);
    expect(() => setYamlValue('a: [1,\n', ['a'], 'x')).toThrow(/not valid YAML/);
  });
});

describe('rollback history', () => {
  const e = (value: string, rolledBackFrom?: string) => ({
    commit: value,
    value,
    ...(rolledBackFrom ? { rolledBackFrom } : {}),
  });

  it('returns the value before the current one', () => {
    expect(previousValue('c', [e('c'), e('c'), e('b'), e('a')])?.value).toBe('b');
  });

  it('skips values that were rolled back away, but not ones deployed again later', () => {
    // a, b, c deployed; c rolled back to b: rolling back again goes to a, not c.
    expect(previousValue('b', [e('b', 'c'), e('c'), e('b'), e('a')])?.value).toBe('a');
    // … then b redeployed and c deployed: rolling back now returns to b.
    expect(previousValue('c', [e('c'), e('b'), e('a', 'b'), e('b'), e('a')])?.value).toBe('b');
  });

  it('has nothing to offer when the history holds only the current value', () => {
    expect(previousValue('a', [e('a')])).toBeUndefined();
    expect(previousValue('a', [e('a', 'b'), e('b'), e('a')])).toBeUndefined();
  });
});
