import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../http/context';
import { defineErrors, httpErrors } from '../http/errors';
import { secretsEqual } from '../lib/random';
import type { Operations } from './operations';

export const adminErrors = defineErrors({
  UNKNOWN_OPERATION: { status: 404, message: 'No such admin operation.' },
});

const RpcBody = z.object({ op: z.string().min(1).max(64), input: z.unknown().default({}) }).openapi('AdminRpc');

const rpc = createRoute({
  method: 'post',
  path: '/admin/rpc',
  summary: 'Runs one admin operation (used by the CLI against the embedded database).',
  tags: ['Admin'],
  security: [{ adminToken: [] }],
  request: { body: { content: { 'application/json': { schema: RpcBody } }, required: true } },
  responses: { 200: { description: 'The operation result', content: { 'application/json': { schema: z.object({ result: z.unknown() }) } } } },
});

/**
 * The local admin API. Mounted only when the server holds the embedded database: the token is
 * generated into the data directory (mode 0600), where only the CLI of the same user reads it.
 */
export function adminRoutes({ operations, token }: { operations: Operations; token: string }) {
  return createRouter().openapi(rpc, async (c) => {
    // Loopback only: the CLI runs on the server's machine. In-process calls (tests) have no socket.
    const remote = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
    if (remote !== undefined && !isLoopback(remote)) throw httpErrors.FORBIDDEN('The admin API answers on loopback only.');
    const given = c.req.header('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
    if (!secretsEqual(given, token)) {
      throw httpErrors.UNAUTHORIZED('The admin token is missing or wrong.', undefined, { 'WWW-Authenticate': 'Bearer realm="tollgate-admin"' });
    }
    const { op, input } = c.req.valid('json');
    if (!Object.hasOwn(operations, op)) throw adminErrors.UNKNOWN_OPERATION(`No admin operation is called "${op}".`);
    const operation = operations[op as keyof Operations];
    const parsed = operation.input.safeParse(input);
    if (!parsed.success) {
      throw httpErrors.VALIDATION_FAILED(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
      );
    }
    const result = await (operation.run as (input: unknown) => Promise<unknown>)(parsed.data);
    return c.json({ result }, 200);
  });
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
