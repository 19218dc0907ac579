// Entry of `/assets/authorize.js`: the one-click consent of `/oauth/authorize`, and the
// `callback` page that hands a popup's result back to the app that opened it.
import { mount } from '../shared/layout';
import { answerOpener } from '../shared/navigation';
import { Consent } from './consent';
import { Done } from './done';

mount(['authorize', 'callback'], (data) =>
  data.page === 'callback' ? <Done answered={answerOpener(data.targetOrigin, data.data)} /> : <Consent data={data} />,
);
