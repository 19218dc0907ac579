// Every sentence of the embedded frames. Shells say plainly what will be there: the credits
// and subscription frames fill them; until then they show no number at all.

export const embedStrings = {
  titles: {
    login: 'Sign in',
    purchase: 'Buy credits',
    subscription: 'Subscription',
    balance: 'Credit balance',
  },
  toContinueTo: (app: string) => `to continue to ${app}`,
  continueWithTollgate: 'Continue with Tollgate',
  continueAs: (who: string) => `Continue as ${who}`,
  continueInWindow: 'Continue in the Tollgate window. If none opened, allow pop-ups for this site and try again.',
  signedInAs: (who: string) => `Signed in as ${who}`,
  signedOut: 'You are not signed in.',
  unknownUser: 'We could not check who is signed in. Reload the page to try again.',
  loading: 'Loading…',
  shells: {
    purchase: 'Buying credits will be available here.',
    subscription: 'Your subscription and its plan will be shown here.',
    balance: 'Your credit balance will be shown here.',
  },
  signInFirst: 'Sign in to this app to see it.',
  standaloneTitle: 'This is part of an app',
  standalone: 'This page is shown inside an app that uses Tollgate. Open it from that app.',
  refusedTitle: 'This frame cannot be shown here',
  refused: 'This frame was made for another page. Reload the app to try again.',
} as const;
