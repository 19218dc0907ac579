// Entry of `/assets/login.js`: sign in, sign up, forgot, reset and verify, one view per load.
import { createApi } from '../shared/api';
import { mount } from '../shared/layout';
import { Forgot } from './forgot';
import { Reset } from './reset';
import { SignIn } from './signin';
import { SignUp } from './signup';
import { Verify } from './verify';

const VIEWS = { signin: SignIn, signup: SignUp, forgot: Forgot, reset: Reset, verify: Verify };

mount(['login'], (data) => {
  const View = VIEWS[data.view];
  return <View data={data} api={createApi(data.csrfToken)} />;
});
