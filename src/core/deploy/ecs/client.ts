/**
 * The ECS client: the official SDK with the default credential chain (environment, web
 * identity from OIDC, shared config/SSO) and an optional endpoint (LocalStack, tests). Retries
 * are the pack's own (`retry`, as for every other client; the SDK's are turned off): backoff with
 * jitter on throttling, 5xx and dropped connections, no retry on other 4xx. Every command goes
 * through `call`, which counts requests and turns SDK errors into messages that name the operation.
 */
import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import { StepError } from '../../errors.js';
import { isRetryableStatus, networkVerdict } from '../../http.js';
import { retry, type Verdict } from '../../retry.js';

export interface ClientOptions {
  region: string;
  endpointUrl?: string;
  maxAttempts?: number;
}

export interface Ecs {
  client: ECSClient;
  /** Requests sent per operation (benches, summaries). */
  calls: Map<string, number>;
  /** `op` is given by name: class names do not survive minification. */
  call<T>(op: string, command: object, what: string): Promise<T>;
}

export function createEcs(options: ClientOptions): Ecs {
  const client = new ECSClient({
    region: options.region,
    maxAttempts: 1,
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
  const calls = new Map<string, number>();
  return {
    client,
    calls,
    async call<T>(op: string, command: object, what: string): Promise<T> {
      try {
        return await retry(
          async () => {
            calls.set(op, (calls.get(op) ?? 0) + 1);
            // biome-ignore lint/suspicious/noExplicitAny: every ECS command is accepted by send()
            return (await client.send(command as any)) as T;
          },
          // As the SDK's standard mode: 100 ms base, at most 20 s between attempts.
          { attempts: options.maxAttempts ?? 5, baseMs: 100, capMs: 20_000, retryError: awsVerdict },
        );
      } catch (err) {
        throw explain(err, op, what);
      }
    },
  };
}

const THROTTLING = /^(Throttling|Throttled|RequestLimitExceeded|TooManyRequests|RequestThrottled|SlowDown)/;

/** The verdict on an AWS SDK error: throttling, 5xx, 429 and dropped connections are retried. */
export function awsVerdict(err: unknown): Verdict {
  const e = err as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (
    e?.$retryable ||
    THROTTLING.test(e?.name ?? '') ||
    (status !== undefined && isRetryableStatus(status))
  ) {
    return { reason: `${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}` };
  }
  return status === undefined ? networkVerdict(err) : false;
}

/** An SDK error as a StepError naming the operation and what it was for. */
export function explain(err: unknown, op: string, what: string): Error {
  if (err instanceof ECSServiceException) {
    const hint =
      err.name === 'AccessDeniedException'
        ? ` (the credentials lack ecs:${op}; see docs/ecs.md for the IAM permissions)`
        : err.name === 'ClusterNotFoundException'
          ? ' (check `cluster` and `aws-region`)'
          : '';
    return new StepError(`ECS ${op} failed for ${what}: ${err.name}: ${err.message}${hint}`);
  }
  const e = err as Error & { name?: string };
  if (e?.name === 'CredentialsProviderError') {
    return new StepError(
      `No AWS credentials for ECS ${op}: ${e.message} (set them with aws-actions/configure-aws-credentials, GitLab id_tokens + AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`,
    );
  }
  return new StepError(`ECS ${op} failed for ${what}: ${e?.message ?? String(err)}`);
}
