// A real OpenID Connect provider (npm oidc-provider) on loopback, for buurtbeeld's sign-in tests
// and for trying the sign-in by hand. Never for production: the login page accepts any password.
//
//   node tests/oidc/provider.mjs [--port N] [--redirect-uri URL]… [--conform-id-token-claims]
//
// Port: --port, else OIDC_PORT, else 0 (a free port). The first line on stdout is the issuer URL,
// printed once the provider listens; the Rust test reads it.
//
// Redirect URIs of the client: every --redirect-uri, else OIDC_REDIRECT_URIS (comma-separated),
// else https://buurtbeeld.gemeente.example/aanmelden/oidc/terug (the test's own; it runs no
// server there and only reads the redirect).
//
// Login: devInteractions, oidc-provider's built-in login and consent pages. The login name is the
// account id and must be one of ACCOUNTS below; the password is not checked.
//
// With --conform-id-token-claims (or OIDC_CONFORM_ID_TOKEN_CLAIMS=1) the ID token carries only
// `sub` and the e-mail address and name come from the userinfo endpoint, as with providers that
// follow the specification to the letter; without it they are in the ID token, as with Entra ID
// and Keycloak.
//
// With --exit-with-stdin (or OIDC_EXIT_WITH_STDIN=1) the provider exits when its standard input
// closes, so a test that started it cannot leave it running, even if the test process is killed.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  'analist-1': {
    email: 'analist@gemeente.example',
    email_verified: true,
    name: 'Anna Analist',
    given_name: 'Anna',
    family_name: 'Analist',
  },
  'beheerder-1': {
    email: 'beheerder@gemeente.example',
    email_verified: true,
    name: 'Bert Beheerder',
    given_name: 'Bert',
    family_name: 'Beheerder',
  },
};

// Not a secret: the test and this script share it, and the provider lives only on loopback.
const CLIENT_SECRET = 'alleen-voor-tests-buurtbeeld-oidc-0123456789';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    'conform-id-token-claims': { type: 'boolean', default: false },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});

const port = Number(args.port ?? process.env.OIDC_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`provider.mjs: not a port: ${args.port ?? process.env.OIDC_PORT}`);
  process.exit(2);
}
const redirectUris = args['redirect-uri']
  ?? process.env.OIDC_REDIRECT_URIS?.split(',').map((uri) => uri.trim()).filter(Boolean)
  ?? ['https://buurtbeeld.gemeente.example/aanmelden/oidc/terug'];
const conformIdTokenClaims = args['conform-id-token-claims']
  || process.env.OIDC_CONFORM_ID_TOKEN_CLAIMS === '1';

if (args['exit-with-stdin'] || process.env.OIDC_EXIT_WITH_STDIN === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

// A fresh signing key each run: no key file to keep, and no token outlives its provider.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-1' };

const configuration = {
  clients: [{
    client_id: 'buurtbeeld',
    client_secret: CLIENT_SECRET,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  scopes: ['openid', 'email', 'profile'],
  conformIdTokenClaims,
  pkce: { required: () => true },
  responseTypes: ['code'],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  // The issuer must name the port, so the provider is made once the port is known.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(issuer);
});
server.on('error', (error) => {
  console.error(`provider.mjs: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
