/** The helm strategy's pure parts: image values for `image-key`, literal `--set-string` text, good revisions. */
import { describe, expect, it } from '@jest/globals';
import { goodRevisions, lastGood, type Revision } from '../../src/core/deploy/helm/cli.js';
import {
  imageFromValues,
  imageValues,
  releaseWorkloads,
  setString,
} from '../../src/core/deploy/helm/release.js';
import { parseImage } from '../../src/core/image-ref.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image values', () => {
  it.each([
    ['registry.example.com/team/app:1.2.3', 'registry.example.com/team/app', '1.2.3'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app', 'v1'],
    [`registry.example.com/team/app:1.2.3@${DIGEST}`, 'registry.example.com/team/app', `1.2.3@${DIGEST}`],
    [`registry.example.com/team/app@${DIGEST}`, 'registry.example.com/team/app', `latest@${DIGEST}`],
    ['nginx', 'nginx', 'latest'],
  ])('%s → repository %s, tag %s', (ref, repository, tag) => {
    expect(imageValues(parseImage(ref))).toEqual({ repository, tag });
    // What a `{{ repository }}:{{ tag }}` template renders reads back as the same image.
    expect(parseImage(`${repository}:${tag}`).ref).toMatchObject({
      repository: parseImage(ref).ref.repository,
      ...(parseImage(ref).ref.digest ? { digest: DIGEST } : {}),
    });
  });

  it('reads the image back from a release’s values under the key', () => {
    expect(imageFromValues({ app: { image: { repository: 'r/a', tag: '2' } } }, 'app.image')).toBe('r/a:2');
    expect(imageFromValues({ image: { repository: 'r/a' } }, 'image')).toBe('r/a');
    expect(imageFromValues({ image: 'r/a:1' }, 'image')).toBeUndefined();
  });
});

describe('--set-string text', () => {
  it('escapes what Helm’s parser would split on, and nothing else', () => {
    expect(setString('note', '$(touch /tmp/x)')).toBe('note=$(touch /tmp/x)');
    expect(setString('list', 'a,b')).toBe('list=a\\,b');
    expect(setString('path', 'C:\\dir')).toBe('path=C:\\\\dir');
    expect(setString('eq', 'a=b')).toBe('eq=a=b');
  });
});

describe('good revisions', () => {
  const rev = (revision: number, status: string, description = 'Upgrade complete'): Revision => ({
    revision,
    status,
    chart: 'web-0.1.0',
    description,
  });
  it('skips failed, pending and rolled-away-from revisions', () => {
    const history = [
      rev(1, 'superseded', 'Install complete'),
      rev(2, 'superseded'),
      rev(3, 'superseded'), // its rollout failed: revision 4 rolled back from it
      rev(4, 'superseded', 'Rollback to 2'),
      rev(5, 'failed'),
      rev(6, 'pending-upgrade'),
      rev(7, 'deployed', 'Rollback to 4'),
    ];
    expect(goodRevisions(history).map((r) => r.revision)).toEqual([1, 2, 4, 7]);
    expect(lastGood(history, 7)?.revision).toBe(4);
    expect(lastGood([rev(1, 'pending-install')])).toBeUndefined();
  });
});

describe('release workloads', () => {
  it('takes the Deployments, StatefulSets and DaemonSets of a manifest, in the release namespace unless set', () => {
    const manifest = [
      '---',
      '# Source: web/templates/service.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web',
      '---',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web',
      '---',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: data',
    ].join('\n');
    expect(releaseWorkloads(manifest, 'shop')).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', namespace: 'data' },
    ]);
  });
});
