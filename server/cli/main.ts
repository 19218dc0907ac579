import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { AppView } from '../registry/service';
import { ConfigError, loadConfig } from '../config';
import { DatabaseError } from '../db/index';
import { isAppError } from '../http/errors';
import { startServer, StartupError } from '../main';
import { connect } from './transport';

const USAGE = `Usage: tollgate <command> [options]

Server
  start [--demo]                 Start the server (with --demo: seed two demo apps and serve the embed demo)
  migrate                        Apply pending database migrations
  keygen                         Print a new MASTER_KEY

Apps
  apps create --name N --origin URL [--origin URL …] [--redirect-uri URL …]
                                 Register an app; prints its id and its secret key (shown once)
  apps list                      List apps
  apps show APP_ID               Show one app
  apps add-origin APP_ID URL     Allow an origin (scheme://host[:port])
  apps remove-origin APP_ID URL
  apps add-redirect-uri APP_ID URL
  apps remove-redirect-uri APP_ID URL
  apps rotate-secret APP_ID      Issue a new secret key; the old one stops working at once

Options
  --json                         Print machine-readable JSON
  -h, --help                     Show this help

Configuration comes from the environment (DATABASE_URL, DATA_DIR, …); see docs/configuration.md.`;

class UsageError extends Error {}

/** Runs one CLI invocation; returns the process exit code. */
export async function runCli(argv: string[], env = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        origin: { type: 'string', multiple: true },
        'redirect-uri': { type: 'string', multiple: true },
        demo: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    if (command === 'keygen') {
      console.log(randomBytes(32).toString('base64url'));
      return 0;
    }
    if (command === 'start') return await start(env, values.demo ?? false);
    const config = loadConfig(env);
    if (command === 'migrate') {
      const transport = await connect(config);
      await transport.close();
      console.log('Database is up to date.');
      return 0;
    }
    if (command === 'apps') return await apps(sub, rest, values, config);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`, 2);
    if (error instanceof ConfigError || error instanceof DatabaseError || error instanceof StartupError || isAppError(error)) {
      return fail(error.message, 1);
    }
    return fail(`unexpected error: ${(error as Error)?.stack ?? String(error)}`, 1);
  }
}

type Values = { name?: string; origin?: string[]; 'redirect-uri'?: string[]; json?: boolean };

async function apps(sub: string | undefined, args: string[], values: Values, config: ReturnType<typeof loadConfig>) {
  const need = (n: number, shape: string) => {
    if (args.length !== n) throw new UsageError(`usage: tollgate apps ${sub} ${shape}`);
    return args;
  };
  const transport = await connectFor(sub, config);
  try {
    switch (sub) {
      case 'create': {
        if (!values.name) throw new UsageError('usage: tollgate apps create --name N --origin URL [--origin URL …] [--redirect-uri URL …]');
        const { app, secret } = await transport.call('apps.create', {
          name: values.name,
          origins: values.origin ?? [],
          redirectUris: values['redirect-uri'] ?? [],
        });
        if (values.json) print({ ...app, secret });
        else {
          printApp(app);
          console.log(`\nSecret key (shown once — store it now):\n  ${secret}`);
        }
        return 0;
      }
      case 'list': {
        need(0, '');
        const list = await transport.call('apps.list', {});
        if (values.json) print(list);
        else if (!list.length) console.log('No apps yet. Create one with: tollgate apps create --name N --origin URL');
        else for (const app of list) console.log(`${app.id}  ${app.name}  ${app.origins.join(' ') || '(no origins)'}`);
        return 0;
      }
      case 'show': {
        const [id] = need(1, 'APP_ID');
        return output(await transport.call('apps.show', { id }), values);
      }
      case 'add-origin':
      case 'remove-origin': {
        const [id, origin] = need(2, 'APP_ID ORIGIN');
        return output(await transport.call(sub === 'add-origin' ? 'apps.addOrigin' : 'apps.removeOrigin', { id, origin }), values);
      }
      case 'add-redirect-uri':
      case 'remove-redirect-uri': {
        const [id, uri] = need(2, 'APP_ID URL');
        return output(await transport.call(sub === 'add-redirect-uri' ? 'apps.addRedirectUri' : 'apps.removeRedirectUri', { id, uri }), values);
      }
      case 'rotate-secret': {
        const [id] = need(1, 'APP_ID');
        const { app, secret } = await transport.call('apps.rotateSecret', { id });
        if (values.json) print({ ...app, secret });
        else console.log(`New secret key for ${app.id} (shown once — the old key no longer works):\n  ${secret}`);
        return 0;
      }
      default:
        throw new UsageError(sub ? `unknown command "apps ${sub}"` : 'missing apps command');
    }
  } finally {
    await transport.close();
  }
}

/** Usage is checked before touching the database, so a typo never opens (or locks) it. */
async function connectFor(sub: string | undefined, config: ReturnType<typeof loadConfig>) {
  const known = ['create', 'list', 'show', 'add-origin', 'remove-origin', 'add-redirect-uri', 'remove-redirect-uri', 'rotate-secret'];
  if (!sub || !known.includes(sub)) throw new UsageError(sub ? `unknown command "apps ${sub}"` : 'missing apps command');
  return connect(config);
}

async function start(env: NodeJS.ProcessEnv, demo: boolean): Promise<number> {
  const server = await startServer({ env, demo });
  const lines = [`Tollgate is running at ${server.url}`];
  if (server.demo) {
    lines.push('', 'Embed demo (two apps on two origins):');
    server.demo.apps.forEach((app, i) => lines.push(`  ${app.name.padEnd(11)} ${server.demo!.urls[i]}   (${app.id})`));
  }
  lines.push('', `Health: ${server.url}/readyz   API: ${server.url}/openapi.json   Stop: Ctrl+C`);
  process.stderr.write(`${lines.join('\n')}\n\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`\n${signal}: shutting down…\n`);
      server.close().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

function output(app: AppView, values: Values) {
  if (values.json) print(app);
  else printApp(app);
  return 0;
}

function printApp(app: AppView) {
  console.log(`${app.id}  ${app.name}`);
  console.log(`  origins:       ${app.origins.join(', ') || '(none)'}`);
  console.log(`  redirect URIs: ${app.redirectUris.join(', ') || '(none)'}`);
  console.log(`  secret key:    ${app.secretHint}`);
  console.log(`  created:       ${app.createdAt}`);
}

function print(value: unknown) {
  console.log(JSON.stringify(value, null, 2));
}

function fail(message: string, code: number): number {
  process.stderr.write(`tollgate: ${message}\n`);
  return code;
}
