/**
 * How many build steps came from the cache, read from each builder's own log. The buildah and
 * BuildKit lines are as buildah 1.28 and buildx 0.13 on BuildKit 0.8 print them here (the
 * integration tests count them on real builds too); kaniko's are its executor's `logrus.Infof`
 * lines ("Using caching version of cmd: %s", "No cached layer found for cmd %s", then each
 * command's `String()` as it runs), since no kaniko can run on these machines.
 */
import { describe, expect, it } from '@jest/globals';
import { BUILDAH_STEPS } from '../../src/core/build/buildah.js';
import { BUILDKIT_STEPS } from '../../src/core/build/buildx-cache.js';
import { KANIKO_STEPS } from '../../src/core/build/kaniko.js';
import { addSteps, stepCounter } from '../../src/core/build/types.js';
import { silentLog } from '../../src/core/log.js';

function count(patterns: Parameters<typeof stepCounter>[1], log: string) {
  const seen: string[] = [];
  const counter = stepCounter({ ...silentLog, info: (m) => void seen.push(m) }, patterns);
  for (const line of log.trim().split('\n')) counter.log.info(line);
  expect(seen).toHaveLength(log.trim().split('\n').length);
  return counter.counts();
}

describe('steps from the cache, as each builder logs them', () => {
  it('buildah: STEP lines, `--> Using cache` after a step; FROM and --label LABEL steps do no work', () => {
    const log = `
[1/2] STEP 1/5: FROM scratch AS build
[1/2] STEP 2/5: COPY busybox /bin/busybox
--> Cache pulled from remote 127.0.0.1:5999/b7/c:ac653aa4c879
--> Using cache 1d53ccffdea3e3f74bc95ca6bdeca15d336259e76d1bcadd643b9d96009fb39d
--> 1d53ccffdea
[1/2] STEP 3/5: RUN ["/bin/busybox","sh","-c","/bin/busybox sleep 3"]
--> Pushing cache 127.0.0.1:5999/b7/c:25f06930943d
--> c989b2e790e
[2/2] STEP 1/3: FROM scratch
[2/2] STEP 2/3: COPY --from=build /out /out
--> Using cache 09c4bc224e557ffee04cb4520c06e2af29e48a34cb12f31071be046edb42ffa0
STEP 3/3: LABEL "org.opencontainers.image.version"="v1"
--> Using cache 2f9af07fe88cf6069b83afb9f1a0b7783a702e5af478df98c9bb7e3f418875b4
COMMIT localhost/x`;
    expect(count(BUILDAH_STEPS, log)).toEqual({ total: 3, cached: 2 });
  });

  it('BuildKit: `#N [stage i/n]` steps, `#N CACHED`; FROM is not a step of work', () => {
    const log = `
#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#4 [build 1/4] FROM docker.io/library/debian:bookworm
#4 CACHED
#5 [build 2/4] COPY busybox /bin/busybox
#5 CACHED
#6 [build 3/4] RUN ["/bin/busybox", "sh", "-c", "sleep 3"]
#6 CACHED
#7 [build 4/4] COPY src/ /src/
#7 DONE 0.1s
#8 [stage-1 2/2] COPY --from=build /out/app.txt /app.txt
#8 DONE 0.0s
#9 exporting to image
#9 CACHED`;
    expect(count(BUILDKIT_STEPS, log)).toEqual({ total: 4, cached: 2 });
  });

  it('kaniko: each RUN as it runs; the cached ones named before', () => {
    const log = `
INFO[0003] Checking for cached layer registry.example.com/app-cache:d2121e1b3a12...
INFO[0003] Using caching version of cmd: RUN apk add --no-cache git
INFO[0003] Checking for cached layer registry.example.com/app-cache:c272aee5d3a3...
INFO[0003] No cached layer found for cmd RUN npm ci
INFO[0003] Unpacking rootfs as cmd COPY package.json . requires it.
INFO[0005] RUN apk add --no-cache git
INFO[0005] Found cached layer, extracting to filesystem
INFO[0006] COPY package.json .
INFO[0006] RUN npm ci
INFO[0006] Cmd: /bin/sh
INFO[0006] Args: [-c npm ci]
INFO[0009] RUN npm run build`;
    expect(count(KANIKO_STEPS, log)).toEqual({ total: 3, cached: 1 });
  });

  it('the test stage and the image add up', () => {
    expect(addSteps({ total: 4, cached: 0 }, { total: 4, cached: 3 })).toEqual({ total: 8, cached: 3 });
    expect(addSteps(undefined, { total: 2, cached: 2 })).toEqual({ total: 2, cached: 2 });
  });
});
