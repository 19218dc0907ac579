import { Card } from '../shared/layout';
import { strings } from '../shared/strings';

/**
 * After the answer went to the app: the window is closing. When it could not go (no opener),
 * the SDK learns the result from the server, so the page only asks the user to close it.
 */
export function Done({ answered }: { answered: boolean }) {
  return <Card title={answered ? strings.returnedToApp : strings.closeWindow} />;
}
