/**
 * ECS resource tags: TagResource, UntagResource and ListTagsForResource on services (and task
 * definitions), with the rules ECS applies beyond the request shape (validate.ts checks that):
 * the resource must exist and be named by its (long-format) ARN; keys are 1–128 and values 0–256
 * characters of letters, digits, spaces and `_ . : / = + - @`; `aws:` keys are reserved; at most
 * 50 tags per resource; tagging an existing key replaces its value. Errors are ECS's
 * (InvalidParameterException, ResourceNotFoundException).
 */
import { EcsError } from './model.js';
import type { Store } from './store.js';

export interface Tag {
  key: string;
  value: string;
}

type Body = Record<string, unknown>;

const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_TAGS = 50;

/** The tag list of the resource an ARN names (created empty for a resource that exists). */
function tagsOf(store: Store, tagsByArn: Map<string, Tag[]>, arn: string): Tag[] {
  if (!/^arn:aws[a-z-]*:ecs:/.test(arn)) {
    throw new EcsError('InvalidParameterException', 'The ARN provided is invalid.');
  }
  const [, kind = '', ...rest] = (arn
    .split(':')
    .slice(5)
    .join(':')
    .match(/^([a-z-]+)\/(.*)$/) ?? []) as string[];
  const path = rest.join('/');
  if (kind === 'service') {
    const [cluster, name] = path.split('/');
    if (!name) {
      // The short ARN format (service/<name>) cannot be tagged.
      throw new EcsError('InvalidParameterException', 'Long arn format must be used for tagging operations');
    }
    let exists = false;
    try {
      exists = store.findService(cluster, arn) !== undefined;
    } catch {
      exists = false;
    }
    if (!exists)
      throw new EcsError('ResourceNotFoundException', 'The specified resource could not be found.');
  } else if (kind === 'task-definition') {
    try {
      const def = store.findTaskDef(arn);
      def.tags ??= [];
      return def.tags;
    } catch {
      throw new EcsError('ResourceNotFoundException', 'The specified resource could not be found.');
    }
  } else {
    throw new EcsError('InvalidParameterException', `The fake does not tag ${kind || 'this'} resources.`);
  }
  let list = tagsByArn.get(arn);
  if (!list) {
    list = [];
    tagsByArn.set(arn, list);
  }
  return list;
}

function checkTag(tag: Tag) {
  if (tag.key.length < 1 || tag.key.length > 128) {
    throw new EcsError('InvalidParameterException', `Tag key "${tag.key}" must be 1 to 128 characters.`);
  }
  if ((tag.value ?? '').length > 256) {
    throw new EcsError(
      'InvalidParameterException',
      `Tag value of "${tag.key}" must be at most 256 characters.`,
    );
  }
  if (!ALLOWED.test(tag.key) || !ALLOWED.test(tag.value ?? '')) {
    throw new EcsError(
      'InvalidParameterException',
      `Tag "${tag.key}" has characters outside letters, numbers, spaces and _ . : / = + - @.`,
    );
  }
  if (tag.key.toLowerCase().startsWith('aws:')) {
    throw new EcsError('InvalidParameterException', 'Tag keys starting with "aws:" are reserved.');
  }
}

export function tagHandlers(store: Store): {
  handlers: Record<string, (body: Body) => unknown>;
  /** The tags of a resource, as ListTagsForResource answers. */
  list(arn: string): Tag[];
} {
  const tagsByArn = new Map<string, Tag[]>();
  const list = (arn: string) => structuredClone(tagsOf(store, tagsByArn, arn));
  const handlers: Record<string, (body: Body) => unknown> = {
    TagResource: (b) => {
      const list = tagsOf(store, tagsByArn, b.resourceArn as string);
      const tags = b.tags as Tag[];
      for (const t of tags) checkTag(t);
      const keys = new Set([...list.map((t) => t.key), ...tags.map((t) => t.key)]);
      if (keys.size > MAX_TAGS) {
        throw new EcsError('InvalidParameterException', `A resource can have at most ${MAX_TAGS} tags.`);
      }
      for (const t of tags) {
        const at = list.findIndex((x) => x.key === t.key);
        const tag = { key: t.key, value: t.value ?? '' };
        if (at >= 0) list[at] = tag;
        else list.push(tag);
      }
      return {};
    },
    UntagResource: (b) => {
      const list = tagsOf(store, tagsByArn, b.resourceArn as string);
      const drop = new Set(b.tagKeys as string[]);
      const kept = list.filter((t) => !drop.has(t.key));
      list.splice(0, list.length, ...kept);
      return {};
    },
    ListTagsForResource: (b) => ({ tags: list(b.resourceArn as string) }),
  };
  return { handlers, list };
}
