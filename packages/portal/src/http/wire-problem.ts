import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Checks `value` against a wire schema: the first problem (path and message) when it does not conform. */
export function wireProblem(schema: TSchema, value: unknown): string | undefined {
  const error = Value.Errors(schema, value).First();
  return error ? `${error.path || '/'}: ${error.message}` : undefined;
}
