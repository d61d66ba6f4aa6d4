/**
 * `ECS_TASKROLE_REQUEST_LOG=<file>`: every AWS request of the harness's clients is appended to the file as
 * one JSON line (its IAM actions, resource ARNs and condition keys: authorization.ts), for the policy
 * evaluation spec. Every process of a run (CLI, setup, cell workers, teardown) appends to the same file.
 * Credentials never reach it: the middleware sees command inputs and outputs, not the signer.
 */
import { appendFileSync } from 'node:fs';
import { type Authorization, authorizationOf } from './authorization.ts';

export const REQUEST_LOG_ENV = 'ECS_TASKROLE_REQUEST_LOG';

export interface LoggedRequest extends Authorization {
  service: string;
  operation: string;
  region: string;
  /** The error's name when the request failed (an AccessDenied among them is a finding). */
  error?: string;
}

/** Any SDK v3 client: each has its own middleware types, all of this shape. */
interface MiddlewareClient {
  middlewareStack: { add(middleware: never, options: never): void };
}

type Handler = (args: { input: object }) => Promise<{ output: object }>;

export function recordRequests(client: MiddlewareClient, service: string, region: string, file: string): void {
  const middleware =
    (next: Handler, context: { commandName?: string }): Handler =>
    async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      const write = (output: object | undefined, error?: unknown) => {
        const entry: LoggedRequest = {
          service,
          operation,
          region,
          ...authorizationOf(service, operation, args.input as Record<string, unknown>, output as never, region),
          ...(error ? { error: (error as { name?: string }).name ?? 'Error' } : {}),
        };
        appendFileSync(file, `${JSON.stringify(entry)}\n`);
      };
      try {
        const result = await next(args);
        write(result.output);
        return result;
      } catch (error) {
        write(undefined, error);
        throw error;
      }
    };
  client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'ecsTaskroleRequestLog' } as never);
}
