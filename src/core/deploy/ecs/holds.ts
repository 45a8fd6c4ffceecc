/**
 * ecs holds: one tag per held image on the service (`stagecraft.dev/held/<id>`, value
 * `<at> <image> <reason>`, encoded for ECS's tag limits in ../holds-format.ts), through
 * ListTagsForResource, TagResource and UntagResource. deploy-env reads them before registering
 * anything and refuses a held image; `force: true` removes the tag once the service runs it.
 * rollback tags the image it left after the service was updated: the rollback itself matters
 * more than the record, so a failure to tag is a warning (naming the missing permission), not an
 * error.
 */
import {
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  type Service,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import { errorMessage } from '../../errors.js';
import type { Log } from '../../log.js';
import { afterRollback, checkHold, type Hold, liftedLine, newHold } from '../holds.js';
import { formatHoldTag, holdTagKey, parseHoldTags } from '../holds-format.js';
import type { DeployOrigin } from '../types.js';
import type { Ecs } from './client.js';

type Tagged = Array<{ key: string; hold: Hold }>;

async function readHolds(ecs: Ecs, arn: string): Promise<Tagged> {
  const out = await ecs.call<ListTagsForResourceCommandOutput>(
    'ListTagsForResource',
    new ListTagsForResourceCommand({ resourceArn: arn }),
    `the tags of service ${arn}`,
  );
  return parseHoldTags(out.tags ?? []);
}

/**
 * deploy-env's check: the tag keys to remove after a forced deploy, or a StepError when `image`
 * is held on the service. Credentials without ecs:ListTagsForResource get a warning, not a failure.
 */
export async function checkServiceHolds(
  ecs: Ecs,
  service: Service,
  environment: string,
  force: boolean,
  log: Log,
): Promise<(image: string) => Tagged> {
  const arn = service.serviceArn ?? '';
  let tagged: Tagged = [];
  try {
    tagged = await readHolds(ecs, arn);
  } catch (err) {
    if (!/AccessDenied/.test(errorMessage(err))) throw err;
    log.warning(`Holds not checked: ${errorMessage(err)}`);
  }
  return (image) => {
    const lifted = checkHold(
      tagged.map((t) => t.hold),
      { image },
      environment,
      force,
      `tag on service ${service.serviceName}`,
    );
    return tagged.filter((t) => lifted.includes(t.hold));
  };
}

export async function liftServiceHolds(
  ecs: Ecs,
  service: Service,
  lifted: Tagged,
  environment: string,
  log: Log,
): Promise<string | undefined> {
  if (!lifted.length) return undefined;
  await ecs.call(
    'UntagResource',
    new UntagResourceCommand({ resourceArn: service.serviceArn, tagKeys: lifted.map((t) => t.key) }),
    `service ${service.serviceName}`,
  );
  const line = liftedLine(
    lifted.map((t) => t.hold),
    environment,
  );
  log.info(line);
  return line;
}

/** rollback: tags `from` as held (and untags `to`); returns a summary line. */
export async function recordServiceHold(
  ecs: Ecs,
  service: Service,
  from: string,
  to: string,
  environment: string,
  reason: string | undefined,
  origin: DeployOrigin | undefined,
  log: Log,
): Promise<string> {
  const arn = service.serviceArn ?? '';
  try {
    const before = await readHolds(ecs, arn);
    const hold = newHold({ image: from }, reason, origin);
    const after = afterRollback(
      before.map((t) => t.hold),
      hold,
      { image: to },
    );
    const tag = formatHoldTag(hold);
    if (!tag) {
      log.warning(`${from} was not held: its reference is longer than an ECS tag value (256 characters)`);
      return `\`${from}\` was not held (reference too long for an ECS tag).`;
    }
    const keep = new Set(after.map(holdTagKey));
    const drop = before.filter((t) => !keep.has(t.key)).map((t) => t.key);
    if (drop.length) {
      await ecs.call(
        'UntagResource',
        new UntagResourceCommand({ resourceArn: arn, tagKeys: drop }),
        `service ${service.serviceName}`,
      );
    }
    await ecs.call(
      'TagResource',
      new TagResourceCommand({ resourceArn: arn, tags: [tag] }),
      `service ${service.serviceName}`,
    );
    return `\`${from}\` is held in ${environment} (tag \`${tag.key}\` on the service): deploy-env refuses it there unless \`force: true\`.`;
  } catch (err) {
    log.warning(`The rollback is done, but ${from} could not be held: ${errorMessage(err)}`);
    return `\`${from}\` could not be held: ${errorMessage(err)}`;
  }
}
