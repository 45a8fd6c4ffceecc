// Stand-in for @actions/http-client in the bundles. @actions/core imports it only for
// getIDToken (OIDC), which no stagecraft step calls; the real package (with its own undici)
// is 400 kB of every bundle and most of its start-up time. Calling it says so instead of failing obscurely.
function unavailable() {
  throw new Error('@actions/http-client is not bundled in stagecraft (core.getIDToken is not supported)');
}
export class HttpClient {
  constructor() {
    unavailable();
  }
}
export class BearerCredentialHandler {
  constructor() {
    unavailable();
  }
}
