import { type ImageRef, repositoryName } from '../core/image-ref.js';
import { excerpt, table } from '../core/markdown.js';
import { RegistryClient } from '../core/registry/client.js';
import { DOCKER_LIST, OCI_INDEX } from '../core/registry/media-types.js';
import { defineStep } from '../platform/step.js';
import { build } from './build-push-build.js';
import { credentialsFor } from './build-push-credentials.js';
import { buildPushInputs } from './build-push-inputs.js';
import { formatSize, type Outcome, promote } from './build-push-promote.js';
import { buildPushSettings } from './build-push-settings.js';

export const buildPushImage = defineStep({
  name: 'build-push-image',
  example: `
- id: build
  uses: <owner>/stagecraft/actions/build-push-image@v1
  with:
    image: ghcr.io/acme/shop
    test-target: test          # unit tests run in the build; a failure pushes nothing
    build-args: VERSION=\${{ github.sha }}
    cache: true                # layers in ghcr.io/acme/shop-cache: a fresh runner skips unchanged RUN steps
    secrets: npm_token=\${{ secrets.NPM_TOKEN }}   # for RUN --mount=type=secret,id=npm_token
    registry-username: \${{ github.actor }}
    registry-password: \${{ secrets.GITHUB_TOKEN }}
# later, promote the tested digest without rebuilding:
- uses: <owner>/stagecraft/actions/build-push-image@v1
  with:
    image: ghcr.io/acme/shop
    promote-from: \${{ steps.build.outputs.image-ref }}
    tags: production
`,
  title: 'Build and push image',
  description:
    "Builds the image once (tests run inside the build), pushes it with a tag policy and OCI labels, or promotes an existing image by digest. Builds are reproducible: they are stamped with the commit's time (SOURCE_DATE_EPOCH wins), so a rebuild of one commit has the same digest.",
  stage: 'build',
  inputs: buildPushInputs,
  outputs: {
    digest: 'Digest of the pushed image, `sha256:…`',
    'image-ref': 'The image pinned by digest, `image@sha256:…`',
    tags: 'Full references of every pushed tag, one a line',
    version: 'The version the image carries (git tag version, else the short sha, else the first tag)',
    referrers:
      'How many referrers travelled with the digest: those a promotion copied (signatures, SBOMs, attestations, recursively), or the provenance and signatures a build attached',
    signature: "With `sign`: digest of the pushed signature bundle's manifest (a referrer of `digest`)",
  },
  /** Every check across inputs, and the tag plan, before anything is built or pushed. */
  settings: buildPushSettings,
  async run(input, rt) {
    const { plan } = input;
    const repo = repositoryName(input.image);
    const refs = plan.tags.map((tag) => `${repo}:${tag}`);
    const platforms = input.platforms ?? [];
    const targetCreds = await credentialsFor(input.image.registry, input, rt);
    const target = new RegistryClient({
      registry: input.image.registry,
      insecure: !input.tlsVerify,
      ...(targetCreds ? { credentials: targetCreds } : {}),
      log: rt,
    });

    let outcome: Outcome;
    if (input.promoteFrom || !input.build) {
      outcome = await promote(
        { ...input, promoteFrom: input.promoteFrom as ImageRef },
        plan.tags,
        target,
        rt,
      );
    } else {
      const built = await build(input.build, target, targetCreds, rt);
      if (!built.pushed) {
        return {
          outputs: {
            digest: '',
            'image-ref': '',
            tags: refs.join('\n'),
            version: plan.version,
            referrers: '0',
            signature: '',
          },
          summary: built.summary,
        };
      }
      outcome = built;
    }
    const { result, referrers, how } = outcome;

    const imageRef = `${repo}@${result.digest}`;
    rt.info(`Pushed ${imageRef} as ${plan.tags.join(', ')}`);
    return {
      outputs: {
        digest: result.digest,
        'image-ref': imageRef,
        tags: refs.join('\n'),
        version: plan.version,
        referrers: String(referrers),
        signature: outcome.signature ?? '',
      },
      summary: [
        `### Image pushed: \`${excerpt(repo, 120)}\``,
        '',
        table(
          ['', ''],
          [
            ['Digest', `\`${result.digest}\``],
            ['Tags', refs.map((r) => `\`${r}\``).join('<br>')],
            ['Size', formatSize(result.size)],
            ['Registry', `\`${input.image.registry}\` · repository \`${input.image.repository}\``],
            ['Version', plan.version ? `\`${plan.version}\`` : '—'],
            ...(platforms.length || result.mediaType === OCI_INDEX || result.mediaType === DOCKER_LIST
              ? [['Platforms', platforms.length ? platforms.join(', ') : `${result.manifests - 1} (index)`]]
              : []),
            ['Referrers', String(referrers)],
            ['How', how],
            ...(outcome.rows ?? []),
          ],
        ),
        '',
      ].join('\n'),
    };
  },
});
