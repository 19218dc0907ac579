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
  apps create --name N [--origin URL …] [--redirect-uri URL …] [--first-party]
                                 Register an app; prints its id and its secret key (shown once)
  apps list                      List apps
  apps show APP_ID               Show one app
  apps add-origin APP_ID URL     Allow an origin (scheme://host[:port])
  apps remove-origin APP_ID URL
  apps add-redirect-uri APP_ID URL
  apps remove-redirect-uri APP_ID URL
  apps rotate-secret APP_ID      Issue a new secret key; the old one stops working at once
  apps set-first-party APP_ID on|off
                                 First-party apps sign users in without the consent click

Users
  users create --email E --password P [--name N] [--role admin]
                                 Create a user (email verified); prints the user id
  users list                     List users
  users set-role USER_ID user|admin

Keys and audit
  keys rotate                    Add a new signing key; the old one stays published until retired
  keys retire                    Stop publishing keys that were rotated out (after their tokens expired)
  audit tail [--limit N] [--follow]
                                 Show the newest audit entries (sign-ins, failures, revocations…)

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
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        limit: { type: 'string' },
        follow: { type: 'boolean' },
        origin: { type: 'string', multiple: true },
        'redirect-uri': { type: 'string', multiple: true },
        demo: { type: 'boolean' },
        'first-party': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  const [command, sub, ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!command) return fail(`missing command\n\n${USAGE}`, 2);
  const noArgs = (name: string) => {
    if (sub !== undefined) throw new UsageError(`usage: tollgate ${name} (it takes no arguments)`);
  };
  try {
    if (command === 'keygen') {
      noArgs('keygen');
      console.log(randomBytes(32).toString('base64url'));
      return 0;
    }
    if (command === 'start') {
      noArgs('start [--demo]');
      return await start(env, values.demo ?? false);
    }
    const config = loadConfig(env);
    if (command === 'migrate') {
      noArgs('migrate');
      const transport = await connect(config);
      await transport.close();
      console.log('Database is up to date.');
      return 0;
    }
    if (command === 'apps') return await apps(sub, rest, values, config);
    if (command === 'users' || command === 'keys' || command === 'audit') return await admin(command, sub, rest, values, config);
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`, 2);
    if (error instanceof ConfigError || error instanceof DatabaseError || error instanceof StartupError || isAppError(error) || (error as Error)?.name === 'MasterKeyMismatchError') {
      return fail((error as Error).message, 1);
    }
    return fail(`unexpected error: ${(error as Error)?.stack ?? String(error)}`, 1); // our bug: keep the stack
  }
}

type Values = {
  'first-party'?: boolean;
  name?: string;
  origin?: string[];
  'redirect-uri'?: string[];
  json?: boolean;
  email?: string;
  password?: string;
  role?: string;
  limit?: string;
  follow?: boolean;
};
type Config = ReturnType<typeof loadConfig>;

const APPS_USAGE: Record<string, { args: number; shape: string }> = {
  create: { args: 0, shape: '--name N [--origin URL …] [--redirect-uri URL …] [--first-party]' },
  'set-first-party': { args: 2, shape: 'APP_ID on|off' },
  list: { args: 0, shape: '' },
  show: { args: 1, shape: 'APP_ID' },
  'add-origin': { args: 2, shape: 'APP_ID URL' },
  'remove-origin': { args: 2, shape: 'APP_ID URL' },
  'add-redirect-uri': { args: 2, shape: 'APP_ID URL' },
  'remove-redirect-uri': { args: 2, shape: 'APP_ID URL' },
  'rotate-secret': { args: 1, shape: 'APP_ID' },
};

async function apps(sub: string | undefined, args: string[], values: Values, config: Config) {
  // Usage is checked before touching the database, so a typo never opens (or locks) it.
  const usage = sub ? APPS_USAGE[sub] : undefined;
  if (!sub || !usage || !Object.hasOwn(APPS_USAGE, sub)) throw new UsageError(sub ? `unknown command "apps ${sub}"` : 'missing apps command');
  if (args.length !== usage.args || (sub === 'create' && !values.name)) {
    throw new UsageError(`usage: tollgate apps ${sub}${usage.shape ? ` ${usage.shape}` : ''}`);
  }
  const [id, value] = args;
  if (sub === 'set-first-party' && value !== 'on' && value !== 'off') throw new UsageError('usage: tollgate apps set-first-party APP_ID on|off');
  const transport = await connect(config);
  try {
    switch (sub) {
      case 'create': {
        const { app, secret } = await transport.call('apps.create', {
          name: values.name,
          origins: values.origin ?? [],
          redirectUris: values['redirect-uri'] ?? [],
          firstParty: values['first-party'] ?? false,
        });
        if (values.json) print({ ...app, secret });
        else {
          printApp(app);
          console.log(`\nSecret key (shown once — store it now):\n  ${secret}`);
        }
        return 0;
      }
      case 'list': {
        const list = await transport.call('apps.list', {});
        if (values.json) print(list);
        else if (!list.length) console.log('No apps yet. Create one with: tollgate apps create --name N --origin URL');
        else for (const app of list) console.log(`${app.id}  ${app.name}  ${app.origins.join(' ') || '(no origins)'}`);
        return 0;
      }
      case 'show':
        return output(await transport.call('apps.show', { id }), values);
      case 'add-origin':
        return output(await transport.call('apps.addOrigin', { id, origin: value }), values);
      case 'remove-origin':
        return output(await transport.call('apps.removeOrigin', { id, origin: value }), values);
      case 'add-redirect-uri':
        return output(await transport.call('apps.addRedirectUri', { id, uri: value }), values);
      case 'remove-redirect-uri':
        return output(await transport.call('apps.removeRedirectUri', { id, uri: value }), values);
      case 'set-first-party':
        return output(await transport.call('apps.setFirstParty', { id, firstParty: value === 'on' }), values);
      default: {
        const { app, secret } = await transport.call('apps.rotateSecret', { id });
        if (values.json) print({ ...app, secret });
        else console.log(`New secret key for ${app.id} (shown once — the old key no longer works):\n  ${secret}`);
        return 0;
      }
    }
  } finally {
    await transport.close();
  }
}

const ADMIN_USAGE: Record<string, { args: number; shape: string }> = {
  'users create': { args: 0, shape: '--email E --password P [--name N] [--role admin]' },
  'users list': { args: 0, shape: '' },
  'users set-role': { args: 2, shape: 'USER_ID user|admin' },
  'keys rotate': { args: 0, shape: '' },
  'keys retire': { args: 0, shape: '' },
  'audit tail': { args: 0, shape: '[--limit N] [--follow]' },
};

async function admin(command: string, sub: string | undefined, args: string[], values: Values, config: Config) {
  const name = `${command} ${sub ?? ''}`.trim();
  const usage = Object.hasOwn(ADMIN_USAGE, name) ? ADMIN_USAGE[name] : undefined;
  if (!sub || !usage) throw new UsageError(sub ? `unknown command "${name}"` : `missing ${command} command`);
  const bad = args.length !== usage.args || (name === 'users create' && (!values.email || !values.password));
  if (bad || (values.role !== undefined && values.role !== 'admin' && values.role !== 'user')) throw new UsageError(`usage: tollgate ${name}${usage.shape ? ` ${usage.shape}` : ''}`);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be an integer from 1 to 1000');
  const transport = await connect(config);
  try {
    switch (name) {
      case 'users create': {
        const user = await transport.call('users.create', { email: values.email, password: values.password, name: values.name, role: values.role ?? 'user' });
        if (values.json) print(user);
        else console.log(user.id);
        return 0;
      }
      case 'users list': {
        const users = await transport.call('users.list', {});
        if (values.json) print(users);
        else if (!users.length) console.log('No users yet.');
        else for (const u of users) console.log(`${u.id}  ${u.email}  ${u.role}${u.emailVerified ? '' : '  (unverified)'}  ${u.name}`);
        return 0;
      }
      case 'users set-role': {
        const [id, role] = args;
        if (role !== 'user' && role !== 'admin') throw new UsageError('usage: tollgate users set-role USER_ID user|admin');
        const user = await transport.call('users.setRole', { id, role });
        if (values.json) print(user);
        else console.log(`${user.id}  ${user.email}  ${user.role}`);
        return 0;
      }
      case 'keys rotate': {
        const result = await transport.call('keys.rotate', {});
        if (values.json) print(result);
        else console.log(`Signing with ${result.kid}. Still published until \`tollgate keys retire\`: ${result.retiring.join(', ') || '(none)'}`);
        return 0;
      }
      case 'keys retire': {
        const result = await transport.call('keys.retire', {});
        if (values.json) print(result);
        else {
          if (result.retired.length) console.log(`No longer published: ${result.retired.join(', ')}`);
          if (result.waiting.length) console.log(`Still published until their tokens have expired (try again later): ${result.waiting.join(', ')}`);
          if (!result.retired.length && !result.waiting.length) console.log('Nothing to retire.');
        }
        return 0;
      }
      default: {
        let afterId: number | undefined;
        const show = (rows: Awaited<ReturnType<typeof transport.call<'audit.tail'>>>) => {
          for (const r of rows) {
            if (values.json) console.log(JSON.stringify(r));
            else console.log(`${r.at}  ${r.event.padEnd(20)} user=${r.user_id ?? '-'} app=${r.app_id ?? '-'} ip=${r.ip ?? '-'} ${JSON.stringify(r.details)}`);
            afterId = r.id;
          }
        };
        show(await transport.call('audit.tail', { limit }));
        if (!values.follow) return 0;
        for (;;) {
          await new Promise((r) => setTimeout(r, 1_000));
          show(await transport.call('audit.tail', { limit: 1000, ...(afterId === undefined ? {} : { afterId }) }));
        }
      }
    }
  } finally {
    await transport.close();
  }
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
  console.log(`  first-party:   ${app.settings.firstParty === true ? 'yes (no consent click)' : 'no'}`);
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
