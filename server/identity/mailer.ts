import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * SMTP through nodemailer when `smtpUrl` is set. Without it, mail lands in the dev mailbox
 * (`/dev/mailbox`, never served in production) and in the log, so sign-up works locally.
 */
export function createMailer({ smtpUrl, from, db, logger }: { smtpUrl?: string; from: string; db: Kysely<Database>; logger: Logger }): Mailer {
  if (smtpUrl) {
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      async send(mail) {
        await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
      },
    };
  }
  return {
    async send(mail) {
      await db.insertInto('dev_mail').values({ to_address: mail.to, subject: mail.subject, body_text: mail.text }).execute();
      // The log names the mail; its links (which sign people in) stay in the dev mailbox.
      logger.info({ mail: { to: mail.to, subject: mail.subject } }, 'mail kept in the dev mailbox (/dev/mailbox); set SMTP_URL to send');
    },
  };
}

export function listDevMail(db: Kysely<Database>, limit = 50) {
  return db.selectFrom('dev_mail').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
