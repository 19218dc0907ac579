import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../../http/context';
import { clientInfo } from '../../http/client-info';
import { identityErrors } from '../errors';
import type { Identity } from '../index';
import { toUserView } from '../users';
import { clearSessionCookie, requireUser, startSession } from './session';

const User = z
  .object({ id: z.string(), email: z.string(), emailVerified: z.boolean(), name: z.string(), role: z.enum(['user', 'admin']), createdAt: z.string() })
  .openapi('User');
const UserBody = { content: { 'application/json': { schema: z.object({ user: User }) } } };
// No control characters in anything stored or looked up (PostgreSQL text refuses NUL: a 500).
const plain = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
const email = plain(254).min(1);
const password = z.string().min(1).max(1024);
const token = plain(200).min(1);
const name = plain(100);

const json = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const tags = ['Hosted pages'];
const noContent = { 204: { description: 'Done' } };
const sessionId = z.object({ id: z.string().regex(/^ses_[a-z2-7]{16}$/) });
const appId = z.object({ id: z.string().regex(/^app_[a-z0-9_]{4,60}$/) });

const routes = {
  signIn: createRoute({ method: 'post', path: '/auth/signin', tags, summary: 'Sign in with email and password.', request: json(z.object({ email, password })), responses: { 200: { description: 'Signed in', ...UserBody } } }),
  signUp: createRoute({ method: 'post', path: '/auth/signup', tags, summary: 'Create an account; sends a verification email and signs in.', request: json(z.object({ email, password, name: name.default('') })), responses: { 201: { description: 'Created', ...UserBody } } }),
  signOut: createRoute({ method: 'post', path: '/auth/signout', tags, summary: 'Sign out here, or everywhere.', request: json(z.object({ everywhere: z.boolean().default(false) })), responses: noContent }),
  forgot: createRoute({ method: 'post', path: '/auth/password/forgot', tags, summary: 'Email a password reset link (the answer never says whether the account exists).', request: json(z.object({ email })), responses: { 202: { description: 'Accepted' } } }),
  reset: createRoute({ method: 'post', path: '/auth/password/reset', tags, summary: 'Set a new password from an emailed link; ends every other session.', request: json(z.object({ token, password })), responses: { 200: { description: 'Signed in', ...UserBody } } }),
  change: createRoute({ method: 'post', path: '/auth/password/change', tags, summary: 'Change the password.', request: json(z.object({ currentPassword: password, newPassword: password })), responses: noContent }),
  verify: createRoute({ method: 'post', path: '/auth/email/verify', tags, summary: 'Confirm the email address with the emailed token.', request: json(z.object({ token })), responses: { 200: { description: 'Verified', ...UserBody } } }),
  resend: createRoute({ method: 'post', path: '/auth/email/resend', tags, summary: 'Send the verification email again.', responses: { 202: { description: 'Accepted' } } }),
  me: createRoute({ method: 'get', path: '/auth/me', tags, summary: 'The signed-in user.', responses: { 200: { description: 'The user', ...UserBody } } }),
  updateMe: createRoute({ method: 'patch', path: '/auth/me', tags, summary: 'Update the profile.', request: json(z.object({ name })), responses: { 200: { description: 'The user', ...UserBody } } }),
  sessions: createRoute({ method: 'get', path: '/auth/sessions', tags, summary: 'Your live sessions.', responses: { 200: { description: 'Sessions' } } }),
  revokeSession: createRoute({ method: 'delete', path: '/auth/sessions/{id}', tags, summary: 'End one of your sessions.', request: { params: sessionId }, responses: noContent }),
  apps: createRoute({ method: 'get', path: '/auth/apps', tags, summary: 'Apps you signed in to.', responses: { 200: { description: 'Apps' } } }),
  revokeApp: createRoute({ method: 'delete', path: '/auth/apps/{id}', tags, summary: 'Sign out of one app.', request: { params: appId }, responses: noContent }),
};

/** The JSON API behind /login and /account: same-origin, cookie session, CSRF-checked. */
export function authRoutes(identity: Identity) {
  const { accounts, rateLimits, oauth } = identity;
  const actor = (c: Parameters<typeof clientInfo>[0]) => clientInfo(c, identity.config.trustProxy);

  return createRouter()
    .openapi(routes.signIn, async (c) => {
      const body = c.req.valid('json');
      const who = actor(c);
      // Per account *and* IP, so strangers guessing cannot lock the owner out; a higher cap per
      // account alone still stops a distributed guess.
      const account = limitKey(body.email);
      await rateLimits.consume('signin_ip', who.ip);
      await rateLimits.consume('signin_account', `${account}|${who.ip}`);
      await rateLimits.consume('signin_account_total', account);
      const user = await accounts.signIn(body, who);
      await rateLimits.reset('signin_account', `${account}|${who.ip}`);
      await startSession(c, identity, user);
      return c.json({ user: toUserView(user) }, 200);
    })
    .openapi(routes.signUp, async (c) => {
      const who = actor(c);
      await rateLimits.consume('signup_ip', who.ip);
      const user = await accounts.signUp(c.req.valid('json'), who);
      await startSession(c, identity, user);
      return c.json({ user: toUserView(user) }, 201);
    })
    .openapi(routes.signOut, async (c) => {
      const session = c.get('session');
      if (session) {
        const { everywhere } = c.req.valid('json');
        await identity.signOut(session.user_id, everywhere ? {} : { publicId: session.public_id }, { ...actor(c), currentSession: session.public_id });
      }
      clearSessionCookie(c);
      return c.body(null, 204);
    })
    .openapi(routes.forgot, async (c) => {
      const { email: address } = c.req.valid('json');
      await rateLimits.consume('reset_ip', actor(c).ip);
      await rateLimits.consume('reset_account', limitKey(address));
      // Answered before any lookup or mail: the time taken says nothing about the account.
      accounts.requestPasswordReset(address).catch((err) => c.get('log').error({ err }, 'password reset request failed'));
      return c.body(null, 202);
    })
    .openapi(routes.reset, async (c) => {
      const body = c.req.valid('json');
      await rateLimits.consume('reset_ip', actor(c).ip);
      const user = await accounts.resetPassword(body.token, body.password, actor(c));
      c.set('session', undefined); // every session just ended, this one included
      await startSession(c, identity, user);
      return c.json({ user: toUserView(user) }, 200);
    })
    .openapi(routes.change, async (c) => {
      const { user, session } = await requireUser(c, identity);
      const body = c.req.valid('json');
      await rateLimits.consume('password_user', user.id);
      await accounts.changePassword(user.id, body.currentPassword, body.newPassword, actor(c), session.public_id);
      return c.body(null, 204);
    })
    .openapi(routes.verify, async (c) => {
      await rateLimits.consume('email_ip', actor(c).ip);
      const user = await accounts.verifyEmail(c.req.valid('json').token, actor(c));
      return c.json({ user: toUserView(user) }, 200);
    })
    .openapi(routes.resend, async (c) => {
      const { user } = await requireUser(c, identity);
      await rateLimits.consume('resend_user', user.id);
      await accounts.resendVerification(user.id);
      return c.body(null, 202);
    })
    .openapi(routes.me, async (c) => {
      const { user } = await requireUser(c, identity);
      return c.json({ user: toUserView(user) }, 200);
    })
    .openapi(routes.updateMe, async (c) => {
      const { user } = await requireUser(c, identity);
      return c.json({ user: toUserView(await accounts.updateProfile(user.id, c.req.valid('json'))) }, 200);
    })
    .openapi(routes.sessions, async (c) => {
      const { session, user } = await requireUser(c, identity);
      return c.json({ sessions: await identity.sessions.list(user.id, session.public_id) }, 200);
    })
    .openapi(routes.revokeSession, async (c) => {
      const { session, user } = await requireUser(c, identity);
      const { id } = c.req.valid('param');
      const ended = await identity.signOut(user.id, { publicId: id }, actor(c));
      if (!ended.length) throw identityErrors.SESSION_NOT_FOUND();
      if (id === session.public_id) clearSessionCookie(c);
      return c.body(null, 204);
    })
    .openapi(routes.apps, async (c) => {
      const { user } = await requireUser(c, identity);
      return c.json({ apps: await oauth.listApps(user.id) }, 200);
    })
    .openapi(routes.revokeApp, async (c) => {
      const { user } = await requireUser(c, identity);
      await oauth.revokeApp(user.id, c.req.valid('param').id, actor(c));
      return c.body(null, 204);
    });
}

/** The per-account limit's key: the email as the account lookup normalises it, valid or not. */
function limitKey(email: string): string {
  return email.trim().normalize('NFC').toLowerCase().slice(0, 254);
}
