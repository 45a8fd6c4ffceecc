/**
 * The image tag policy: which tags a build gets from the commit and the ref it was built for.
 * Plain arguments (a CiContext satisfies them), so it is the same on GitHub, GitLab and the CLI.
 */
import { TAG } from './image-ref.js';

export interface TagSource {
  /** The pushed commit. */
  sha: string;
  /** The PR/MR head commit on pull/merge requests, else the same as `sha`. */
  headSha?: string;
  refType: 'branch' | 'tag' | 'pull' | 'other';
  refName: string;
  defaultBranch?: string;
  pullNumber?: number;
}

export interface TagPlan {
  tags: string[];
  /** The version the image carries (label `org.opencontainers.image.version`, output `version`). */
  version: string;
  /** The commit the image is built from (label `org.opencontainers.image.revision`). */
  revision: string;
}

export const TAG_HELP = 'OCI tags: letters, digits, _ . - (not starting with . or -), at most 128 characters';

export class TagError extends Error {}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Throws a TagError naming the first tag that is not a valid OCI tag. */
export function validateTags(tags: string[]): string[] {
  for (const tag of tags) {
    if (!isValidTag(tag)) throw new TagError(`"${tag}" is not a valid tag (${TAG_HELP})`);
  }
  return tags;
}

/** A branch name as a tag: `feature/Login_v2` → `feature-login_v2`. */
export function slugTag(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+$/, '');
  return slug.slice(0, 128);
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Tags for a git tag: the tag itself and, for semver, `1.2.3`, `1.2` and `1` (prereleases and
 * major 0 give only the full version, so `1` never jumps to a release candidate).
 */
export function gitTagTags(name: string): { tags: string[]; version: string } {
  const match = SEMVER.exec(name);
  if (!match) {
    const tag = slugTag(name);
    return { tags: tag ? [tag] : [], version: tag };
  }
  const [, major, minor, patch, pre] = match as unknown as [string, string, string, string, string?];
  const version = `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}`.replace(/\+.*$/, '');
  const tags = [slugTag(name.replace(/\+.*$/, '')), version];
  if (!pre) {
    tags.push(`${major}.${minor}`);
    if (major !== '0') tags.push(major);
  }
  return { tags: [...new Set(tags)], version };
}

/**
 * The default tag policy: the short commit sha always (the PR head's on pull requests, not the
 * temporary merge commit's); on tag refs the tag and its semver parts; on branch refs the branch
 * slug, plus `latest` on the default branch; on pull requests `pr-<number>`.
 */
export function policyTags(src: TagSource, shaLength = 7): TagPlan {
  const revision = (src.refType === 'pull' ? src.headSha || src.sha : src.sha) || src.headSha || '';
  const tags: string[] = [];
  const short = revision.slice(0, shaLength);
  if (short) tags.push(short);
  let version = short;
  if (src.refType === 'tag' && src.refName) {
    const fromTag = gitTagTags(src.refName);
    tags.push(...fromTag.tags);
    version = fromTag.version || version;
  } else if (src.refType === 'branch' && src.refName) {
    const slug = slugTag(src.refName);
    if (slug) tags.push(slug);
    if (src.defaultBranch && src.refName === src.defaultBranch) tags.push('latest');
  } else if (src.refType === 'pull' && src.pullNumber !== undefined) {
    tags.push(`pr-${src.pullNumber}`);
  }
  return { tags: validateTags([...new Set(tags)]), version, revision };
}

/** Explicit tags replace the policy; the first one is the version. */
export function explicitTags(tags: string[], src: TagSource): TagPlan {
  const revision = (src.refType === 'pull' ? src.headSha || src.sha : src.sha) || src.headSha || '';
  const unique = [...new Set(validateTags(tags))];
  return { tags: unique, version: unique[0] ?? '', revision };
}
