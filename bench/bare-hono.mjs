// The baseline: the smallest Hono app on the same Node adapter Tollgate uses, so the ratio
// against it isolates what Tollgate adds per request (middleware, routing, logging, metrics).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/', (c) => c.text('ok'));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });

// Exit cleanly on SIGTERM, as Tollgate does, so both targets are stopped the same way.
process.once('SIGTERM', () => server.close(() => process.exit(0)));
