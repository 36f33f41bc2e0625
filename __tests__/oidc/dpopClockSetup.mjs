// The DPoP set-up (dpopSetup.mjs) on a server clock that stands still (../helpers/serverClock.mjs):
// tokens and nonces expire, and proofs' `iat` is judged, only when a test moves the clock.
import dpopApi, { configure } from './dpopSetup.mjs';
import serverClock from '../helpers/serverClock.mjs';

export { configure };

export default function dpopOnServerClock(context) {
  // The DPoP API replaces the API's handler; the clock then stamps every answer of it.
  dpopApi(context);
  serverClock(context);
}
