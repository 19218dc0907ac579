import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { httpErrors } from './errors';

/**
 * Every validation failure at the edge becomes one 400 `VALIDATION_FAILED` with the path and
 * the reason of each problem; handlers only ever see valid input.
 */
const validationHook: Hook<unknown, any, any, unknown> = (result) => {
  if (!result.success) {
    throw httpErrors.VALIDATION_FAILED(
      'The request is invalid: ' +
        result.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`)
          .join('; '),
      { issues: result.error.issues.map((i) => ({ path: i.path, code: i.code, message: i.message })) },
    );
  }
};

/** A router whose route schemas feed both validation and /openapi.json. */
export function createRouter() {
  return new OpenAPIHono({ defaultHook: validationHook });
}
