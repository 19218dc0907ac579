import { defineErrors } from '../http/errors';

/** Error codes of accounts, sessions and hosted forms. OAuth endpoints use RFC 6749's instead. */
export const identityErrors = defineErrors({
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is wrong.' },
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists. Sign in instead.' },
  WEAK_PASSWORD: { status: 400, message: 'Choose a password of 8 to 256 characters.' },
  INVALID_EMAIL: { status: 400, message: 'Enter a valid email address.' },
  INVALID_TOKEN: { status: 400, message: 'This link is invalid or has expired. Ask for a new one.' },
  NOT_SIGNED_IN: { status: 401, message: 'You are not signed in.' },
  USER_NOT_FOUND: { status: 404, message: 'No user has this id.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session.' },
  CSRF_FAILED: { status: 403, message: 'This form expired or came from another site. Reload the page and try again.' },
  INVALID_TOKEN_CLAIMS: { status: 401, message: 'The access token is invalid.' },
});
