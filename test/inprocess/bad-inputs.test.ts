/**
 * A bad input fails the step with exactly one error and nothing runs: no output, no log line, no
 * request; the job summary holds that error (a failed job's report says why, as a passed one's does). The checks across inputs (per strategy) live at the edge, in each step's
 * settings; core does not repeat them, so they are tested here, through runStep.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import type { Step } from '../../src/platform/step.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { gateMerge } from '../../src/steps/gate-merge.js';
import { rollback } from '../../src/steps/rollback.js';
import { smokeTest } from '../../src/steps/smoke-test.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { type FakeHost, fakeHost } from './fake-host.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((_req, res) => res.end('{}'));
});
afterAll(() => server.close());

async function expectRejected(step: Step, host: FakeHost, message: RegExp) {
  expect(await runStep(step, host)).toBe(false);
  expect(host.failures).toHaveLength(1);
  expect(host.failures[0]).toMatch(message);
  expect(host.outputs).toEqual({});
  expect(host.summaries).toHaveLength(1);
  expect(host.summaries[0]).toContain(host.failures[0]);
  expect(host.logs).toEqual([]);
  expect(server.requests).toHaveLength(0);
}

const IMAGE = 'registry.example.com/shop/api:1';

describe('smoke-test and gate-merge', () => {
  it.each([
    [{ url: 'ftp://example.com' }, /Input "url" has an invalid value "ftp:\/\/example.com"/],
    [{ url: 'SERVER', checks: 'FETCH /health' }, /Input "url"/],
    [{ checks: 'FETCH /health' }, /Input "checks"/],
    [{ retries: '0' }, /Input "retries"/],
  ])('smoke-test %j', async (inputs, message) => {
    await expectRejected(smokeTest, fakeHost({ url: server.url, ...inputs }), message);
  });

  it.each([
    [{ mode: 'require' }, /Input "contexts".*require mode needs at least one context/],
    [{}, /Input "sha" has an invalid value "": no commit in this context/],
    [{ sha: 'abc123' }, /Input "sha" has an invalid value "abc123"/],
  ])('gate-merge %j', async (inputs, message) => {
    const host = fakeHost({ token: 'ghs_x', ...inputs }, { ctx: { apiUrl: server.url, repository: 'o/r' } });
    await expectRejected(gateMerge, host, message);
  });
});

describe('deploy-env kubernetes: bad input fails before any request', () => {
  const base = { strategy: 'kubernetes', environment: 'dev', image: IMAGE, manifests: 'k8s/{environment}' };
  it.each([
    [{ workloads: 'deployment/web' }, /Input "workloads".*empty when `manifests` is set/],
    [{ manifests: '', workloads: 'pod/web' }, /Input "workloads" has an invalid value "pod\/web"/],
    [{ manifests: '', workloads: '' }, /Input "manifests"/],
    [{ image: 'Registry/UPPER:tag' }, /Input "image"/],
    [{ image: '' }, /Input "image" has an invalid value "": it is required for strategy kubernetes/],
  ])('%j', async (override, message) => {
    await expectRejected(deployEnv, fakeHost({ ...base, ...override }), message);
  });
});

describe('deploy-env and rollback ecs: bad input fails before any API call', () => {
  const base = () => ({
    strategy: 'ecs',
    environment: 'staging',
    image: IMAGE,
    service: 'web',
    'aws-region': 'eu-west-1',
    'endpoint-url': server.url,
  });
  it.each([
    [{ service: '' }, /Input "service"/],
    [{ 'aws-region': '' }, /Input "aws-region".*AWS_REGION/],
    [{ 'aws-region': 'Europe' }, /Input "aws-region" has an invalid value "Europe"/],
    [{ 'task-definition-arn': 'app' }, /Input "task-definition-arn"/],
    [{ 'task-definition': 'td.json', 'task-definition-arn': 'app:3' }, /not both/],
    [{ image: '' }, /Input "image".*required unless `task-definition-arn` is given/],
    [{ 'desired-count': '-1' }, /Input "desired-count"/],
  ])('deploy %j', async (override, message) => {
    await expectRejected(deployEnv, fakeHost({ ...base(), ...override }), message);
  });

  it('takes the region from AWS_REGION, then checks the rest', async () => {
    const host = fakeHost(
      { ...base(), 'aws-region': '', 'task-definition-arn': 'nope' },
      { env: { AWS_REGION: 'eu-west-1' } },
    );
    await expectRejected(deployEnv, host, /Input "task-definition-arn" has an invalid value "nope"/);
  });

  it('rollback: `to` must be an image reference', async () => {
    const { image: _image, ...inputs } = base();
    await expectRejected(
      rollback,
      fakeHost({ ...inputs, to: 'Not An Image' }),
      /Input "to".*for ecs, an image reference/,
    );
  });
});

describe('deploy-env gitops', () => {
  it.each([
    [
      { image: 'registry.example.com/app@sha256:' + 'ab'.repeat(32) },
      /Input "image".*has no tag, but `value: tag`/,
    ],
    [{ value: 'digest' }, /Input "image".*has no digest/],
    [{ key: 'image..tag' }, /Input "key" .*not a key segment/],
    [{ verify: 'argo' }, /Input "verify" has an invalid value "argo": .*one of none, argocd, flux/],
    [{ verify: 'argocd' }, /Input "application".*`verify: argocd` needs the Argo CD Application/],
    [{ verify: 'flux', application: 'a/b/c' }, /Input "application" has an invalid value "a\/b\/c"/],
    [{ verify: 'flux', application: 'Shop' }, /Input "application" has an invalid value "Shop"/],
    [{ verify: 'flux', application: 'shop-{env}' }, /Input "application" has an invalid value "shop-{env}"/],
    [
      { application: 'argocd/shop' },
      /Input "application".*used only with `verify: argocd` or `verify: flux`/,
    ],
    [{ verify: 'argocd', application: 'shop', 'verify-timeout': 'soon' }, /Input "verify-timeout"/],
  ])('%j', async (override, message) => {
    const inputs = { strategy: 'gitops', environment: 'staging', repository: '/nowhere.git', image: IMAGE };
    await expectRejected(deployEnv, fakeHost({ ...inputs, ...override }), message);
  });
});

describe('deploy-env and rollback helm: bad input fails before helm runs', () => {
  const base = { strategy: 'helm', environment: 'dev', image: IMAGE, chart: 'deploy/chart' };
  it.each([
    [{ image: '' }, /Input "image" has an invalid value "": it is required for strategy helm/],
    [{ chart: '' }, /Input "chart" has an invalid value "": it is required for strategy helm/],
    [{ chart: '--post-renderer=/bin/sh' }, /Input "chart" has an invalid value "--post-renderer=\/bin\/sh"/],
    [{ chart: 'oci://host/Bad Name' }, /Input "chart".*not an oci:\/\/registry\/repository\/chart/],
    [{ 'chart-version': '1.2.3' }, /Input "chart-version".*used only with an `oci:\/\/` chart/],
    [{ release: 'Shop_App' }, /Input "release" has an invalid value "Shop_App".*Helm release name/],
    [{ set: 'no equals sign' }, /Input "set".*line 1 \("no equals sign"\) is not key=value/],
    [{ set: 'a=1\n=2' }, /Input "set".*line 2/],
    [{ 'image-key': 'image..x' }, /Input "image-key".*not a key segment/],
    [{ atomic: 'maybe' }, /Input "atomic" has an invalid value "maybe": .*true or false/],
    [{ image: 'registry.example.com/Shop_App:1' }, /Input "image"/],
  ])('deploy-env %j', async (override, message) => {
    await expectRejected(deployEnv, fakeHost({ ...base, ...override }), message);
  });

  it('rollback without a release or image names the release', async () => {
    await expectRejected(
      rollback,
      fakeHost({ strategy: 'helm', environment: 'dev' }),
      /Input "release".*required for strategy helm when `image` is not given/,
    );
  });
});
