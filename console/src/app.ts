/** The console's singletons: the signed-in sessions and the API client. */
import { Api } from './api';
import { Auth } from './auth';

export const auth = new Auth();
export const api = new Api(auth);
