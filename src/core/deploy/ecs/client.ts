/**
 * The ECS client: the official SDK with the default credential chain (environment, web
 * identity from OIDC, shared config/SSO), the SDK's standard retry mode (backoff with jitter on
 * throttling and 5xx, no retry on other 4xx), and an optional endpoint (LocalStack, tests).
 * Every command goes through `call`, which counts requests and turns SDK errors into messages
 * that name the operation.
 */
import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import { StepError } from '../../errors.js';

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
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? 5,
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
  const calls = new Map<string, number>();
  return {
    client,
    calls,
    async call<T>(op: string, command: object, what: string): Promise<T> {
      calls.set(op, (calls.get(op) ?? 0) + 1);
      try {
        // biome-ignore lint/suspicious/noExplicitAny: every ECS command is accepted by send()
        return (await client.send(command as any)) as T;
      } catch (err) {
        throw explain(err, op, what);
      }
    },
  };
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
