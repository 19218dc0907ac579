import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

// What a person does on Tollgate's hosted pages, in their words: the labels, headings and
// buttons they see. Shared by the browser tests.

export interface Person {
  name: string;
  email: string;
  password: string;
}

export function newPerson(name: string): Person {
  const slug = name.toLowerCase().replace(/\W+/g, '.');
  return { name, email: `${slug}.${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery staple' };
}

/** From the sign-in page: "Create an account", fill in the form, submit. */
export async function signUp(page: Page, person: Person): Promise<void> {
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Opens the dev mailbox, follows the verification link mailed to `email`, waits for "verified". */
export async function verifyEmail(page: Page, tollgateUrl: string, email: string): Promise<void> {
  await page.goto(`${tollgateUrl}/dev/mailbox`);
  const mail = page.locator('article', { hasText: email }).filter({ hasText: 'view=verify' });
  await mail.getByRole('link', { name: /view=verify/ }).click();
  await page.getByText('Your email address is verified.').waitFor();
}

/** The one-click consent page: "Sign in to <app>", "Continue as <email>". */
export async function consentPage(page: Page, appName: string, email: string) {
  await page.getByRole('heading', { name: `Sign in to ${appName}` }).waitFor();
  return { continueButton: page.getByRole('button', { name: `Continue as ${email}` }), passwordFields: page.locator('input[type=password]') };
}
