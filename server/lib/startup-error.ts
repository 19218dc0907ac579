/** A start-up problem the operator must fix; its message is one printable line. */
export class StartupError extends Error {
  override name = 'StartupError';
}
