import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../db/schema';
import { hashSecret } from '../lib/random';
import { writeAudit, type Actor } from './audit';
import { identityErrors } from './errors';
import type { Mailer } from './mailer';
import type { Logger } from 'pino';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './passwords';
import { findUser, findUserByEmail, insertUser, normaliseEmail, toUserView, updateUser, type UserView } from './users';

const TOKEN_TTL_MS = { verify_email: 48 * 3_600_000, reset_password: 3_600_000 } as const;
type Purpose = keyof typeof TOKEN_TTL_MS;

export interface AccountsOptions {
  db: Kysely<Database>;
  mailer: Mailer;
  logger: Logger;
  publicUrl: string;
  /** Called when a user's sessions must end (password reset: all; password change: all but one). */
  onSignOutEverywhere(userId: string, except?: string): Promise<void>;
}

export type Accounts = ReturnType<typeof createAccounts>;

/** Sign-up, sign-in, email verification and password changes. Services never see HTTP. */
export function createAccounts({ db, mailer, logger, publicUrl, onSignOutEverywhere }: AccountsOptions) {
  /**
   * Mail that fails to go out must not change the answer: a sign-up has already happened, and
   * a reset request must look the same whether or not the account exists. It is logged instead.
   */
  async function sendQuietly(mail: Parameters<Mailer['send']>[0]) {
    try {
      await mailer.send(mail);
    } catch (err) {
      logger.error({ err, mail: { to: mail.to, subject: mail.subject } }, 'mail could not be sent');
    }
  }

  function checkPassword(password: string) {
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) throw identityErrors.WEAK_PASSWORD();
  }

  async function issueEmailToken(userId: string, purpose: Purpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await db
      .insertInto('email_tokens')
      .values({ token_hash: hashSecret(token), user_id: userId, purpose, expires_at: new Date(Date.now() + TOKEN_TTL_MS[purpose]) })
      .execute();
    return token;
  }

  /** Spends a single-use token: one conditional UPDATE, so two clicks cannot both succeed. */
  async function spendEmailToken(token: string, purpose: Purpose): Promise<string> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw identityErrors.INVALID_TOKEN();
    const row = await db
      .updateTable('email_tokens')
      .set({ used_at: new Date() })
      .where('token_hash', '=', hashSecret(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning('user_id')
      .executeTakeFirst();
    if (!row) throw identityErrors.INVALID_TOKEN();
    return row.user_id;
  }

  async function sendVerification(user: Pick<UserRow, 'id' | 'email'>) {
    const token = await issueEmailToken(user.id, 'verify_email');
    await sendQuietly({
      to: user.email,
      subject: 'Confirm your email address',
      text: `Confirm your email address for your account:\n\n${publicUrl}/login?view=verify&token=${token}\n\nThe link works once, for 48 hours. If you did not sign up, ignore this email.`,
    });
  }

  async function requireUser(id: string): Promise<UserRow> {
    const user = await findUser(db, id);
    if (!user) throw identityErrors.USER_NOT_FOUND();
    return user;
  }

  return {
    async signUp(input: { email: string; password: string; name: string }, actor: Actor): Promise<UserRow> {
      const email = normaliseEmail(input.email);
      checkPassword(input.password);
      const user = await insertUser(db, { email, passwordHash: await hashPassword(input.password), name: input.name.trim() });
      await writeAudit(db, { event: 'sign_up', userId: user.id, actor });
      await sendVerification(user);
      return user;
    },

    /** Wrong password and unknown email: the same error after the same work (one argon2 verify). */
    async signIn(input: { email: string; password: string }, actor: Actor): Promise<UserRow> {
      let email: string | undefined;
      try {
        email = normaliseEmail(input.email);
      } catch {
        email = undefined;
      }
      const user = email ? await findUserByEmail(db, email) : undefined;
      const ok = await verifyPassword(user?.password_hash, input.password);
      if (!user || !ok) {
        await writeAudit(db, { event: 'sign_in_failed', userId: user?.id ?? null, actor, details: { email: email ?? null } });
        throw identityErrors.INVALID_CREDENTIALS();
      }
      await writeAudit(db, { event: 'sign_in', userId: user.id, actor });
      return user;
    },

    async verifyEmail(token: string, actor: Actor): Promise<UserRow> {
      const userId = await spendEmailToken(token, 'verify_email');
      const user = (await updateUser(db, userId, { email_verified_at: new Date() }))!;
      await writeAudit(db, { event: 'email_verified', userId, actor });
      return user;
    },

    async resendVerification(userId: string): Promise<void> {
      const user = await requireUser(userId);
      if (!user.email_verified_at) await sendVerification(user);
    },

    /** Always resolves the same way, so the answer never tells whether an account exists. */
    async requestPasswordReset(rawEmail: string): Promise<void> {
      let email: string;
      try {
        email = normaliseEmail(rawEmail);
      } catch {
        return;
      }
      const user = await findUserByEmail(db, email);
      if (!user) return;
      const token = await issueEmailToken(user.id, 'reset_password');
      await sendQuietly({
        to: user.email,
        subject: 'Reset your password',
        text: `Someone asked to reset the password of your account.\n\n${publicUrl}/login?view=reset&token=${token}\n\nThe link works once, for one hour. If it was not you, ignore this email: your password stays as it is.`,
      });
    },

    /** Sets a new password from an emailed link; every existing session of the user ends. */
    async resetPassword(token: string, password: string, actor: Actor): Promise<UserRow> {
      checkPassword(password);
      const userId = await spendEmailToken(token, 'reset_password');
      // The link proves the mailbox: it verifies the email too.
      const user = (await updateUser(db, userId, { password_hash: await hashPassword(password), email_verified_at: new Date() }))!;
      await db.updateTable('email_tokens').set({ used_at: new Date() }).where('user_id', '=', userId).where('purpose', '=', 'reset_password').where('used_at', 'is', null).execute();
      await onSignOutEverywhere(userId);
      await writeAudit(db, { event: 'password_reset', userId, actor });
      return user;
    },

    /** A new password ends every other session (whoever else was signed in, perhaps an intruder). */
    async changePassword(userId: string, current: string, next: string, actor: Actor, keepSession: string): Promise<void> {
      const user = await requireUser(userId);
      if (!(await verifyPassword(user.password_hash, current))) throw identityErrors.INVALID_CREDENTIALS('The current password is wrong.');
      checkPassword(next);
      await updateUser(db, userId, { password_hash: await hashPassword(next) });
      await onSignOutEverywhere(userId, keepSession);
      await writeAudit(db, { event: 'password_changed', userId, actor });
    },

    async updateProfile(userId: string, { name }: { name: string }): Promise<UserRow> {
      await requireUser(userId);
      return (await updateUser(db, userId, { name: name.trim() }))!;
    },

    getUser: requireUser,

    // Administration (CLI).
    async createUser(input: { email: string; password: string; name?: string; role?: 'user' | 'admin' }): Promise<UserView> {
      const email = normaliseEmail(input.email);
      checkPassword(input.password);
      const user = await insertUser(db, { email, passwordHash: await hashPassword(input.password), name: input.name?.trim() ?? '', role: input.role, verified: true });
      await writeAudit(db, { event: 'user_created', userId: user.id, details: { via: 'cli', role: user.role } });
      return toUserView(user);
    },
    async listUsers(): Promise<UserView[]> {
      return (await db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute()).map(toUserView);
    },
    async setRole(userId: string, role: 'user' | 'admin'): Promise<UserView> {
      const user = await updateUser(db, userId, { role });
      if (!user) throw identityErrors.USER_NOT_FOUND(`No user has the id "${userId}".`);
      await writeAudit(db, { event: 'role_changed', userId, details: { role, via: 'cli' } });
      return toUserView(user);
    },
  };
}
