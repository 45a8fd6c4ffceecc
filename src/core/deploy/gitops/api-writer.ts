/**
 * The forge-API writer of the gitops strategy (`via: api`): no clone. Files are read through the
 * forge's API at the branch head and the change set is committed on exactly that head (GitHub: Git
 * Data API, ref moved without force; GitLab: Commits API with `last_commit_id`). A head that moved
 * meanwhile is HeadMoved, so the plan is re-applied on the new head (changes.ts). The forge
 * clients live in src/platform; core sees only this interface.
 */
import { InputError, StepError } from '../../errors.js';
import type { ChangeSet, ConfigWriter, FileChange, FileVersion, Head } from './changes.js';

/** A file as the forge stores it at one commit. */
export interface ForgeFile {
  text: string;
  /** Stored as a symbolic link (its text is the link target). */
  symlink: boolean;
  /** GitLab: the last commit that changed the file (its optimistic lock). */
  lastCommit?: string;
}

export interface CommitRequest {
  branch: string;
  /** The head the change set was planned on. */
  parent: string;
  /** The branch does not exist yet: create it at the new commit. */
  create: boolean;
  changes: FileChange[];
  message: string;
  /** The files as read at `parent` (GitLab sends their last commits). */
  read: ReadonlyMap<string, ForgeFile>;
}

/** What core needs from a forge to commit without a clone. */
export interface GitApi {
  /** The repository, for logs (no credentials). */
  where: string;
  defaultBranch(): Promise<string>;
  /** The branch's head commit; undefined when the branch does not exist. */
  branchHead(branch: string): Promise<string | undefined>;
  /** A file at a commit; undefined when it does not exist there. */
  readFile(commit: string, path: string): Promise<ForgeFile | undefined>;
  /** The commits that changed `path` up to `commit`, newest first. */
  fileCommits(
    commit: string,
    path: string,
    limit: number,
  ): Promise<Array<{ commit: string; message: string }>>;
  /** Commits on `parent` and moves the branch to it without force; throws HeadMoved when it moved first. */
  commit(request: CommitRequest): Promise<string>;
}

export interface ApiTarget {
  /** Default: the repository's default branch. */
  branch?: string;
  /** Commit to this branch instead, starting from `branch` when it does not exist yet (pull-request mode). */
  targetBranch?: string;
}

export async function apiWriter(api: GitApi, target: ApiTarget): Promise<ConfigWriter> {
  const base = target.branch ?? (await api.defaultBranch());
  const branch = target.targetBranch ?? base;
  const created = new WeakSet<Head>();
  const reads = new WeakMap<Head, Map<string, ForgeFile>>();
  return {
    branch,
    base,
    where: api.where,
    async head() {
      let sha = await api.branchHead(branch);
      const create = sha === undefined;
      if (sha === undefined && branch !== base) sha = await api.branchHead(base);
      if (sha === undefined) throw new StepError(`branch ${base} does not exist in ${api.where}`);
      const read = new Map<string, ForgeFile>();
      const head = apiHead(api, sha, read);
      reads.set(head, read);
      if (create) created.add(head);
      return head;
    },
    commit(head: Head, set: ChangeSet) {
      return api.commit({
        branch,
        parent: head.sha,
        create: created.has(head),
        changes: set.changes,
        message: set.message,
        read: reads.get(head) ?? new Map(),
      });
    },
    async close() {},
  };
}

function apiHead(api: GitApi, sha: string, read: Map<string, ForgeFile>): Head {
  async function file(commit: string, path: string): Promise<ForgeFile | undefined> {
    const found = await api.readFile(commit, path);
    if (found?.symlink) {
      throw new InputError(
        'file',
        path,
        'it is a symbolic link; with `via: api` name the file it points to (links are not followed through the API)',
      );
    }
    return found;
  }
  return {
    sha,
    async read(path) {
      const found = await file(sha, path);
      if (!found) {
        throw new StepError(`file ${path} does not exist in the repository; create it (with the key) first`);
      }
      read.set(path, found);
      return found.text;
    },
    async readIfExists(path) {
      const found = await file(sha, path);
      if (found) read.set(path, found);
      return found?.text;
    },
    async history(path, limit) {
      const versions: FileVersion[] = [];
      for (const { commit, message } of await api.fileCommits(sha, path, limit)) {
        versions.push({ commit, message, text: (await api.readFile(commit, path))?.text });
      }
      return versions;
    },
  };
}
