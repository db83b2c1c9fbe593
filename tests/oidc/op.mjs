// A throwaway OpenID provider for vejviser's end-to-end login tests: the certified npm package
// `oidc-provider` (panva), configured with two confidential test clients and a handful of hard-coded
// test accounts. Started by scripts/lib/oidc_provider.sh as `node tests/oidc/op.mjs` with OP_PORT set;
// listens on 127.0.0.1 only, over plain http, with the issuer http://127.0.0.1:$OP_PORT.
//
// Login without a page: an authorization request whose `login_hint` names a test account (e.g.
// `citizen`) is logged in as that account and granted the requested scopes by the interaction
// handler below, so the whole flow is plain 303 redirects back to the client's redirect_uri.
// Without a usable login_hint, GET /interaction/<uid> answers a minimal HTML form; POST
// /interaction/<uid>/login with `login=<account>` logs in the same way (unknown account: 400).
//
// Logout: RP-initiated logout (GET /session/end answers a form "Log ud af Test-OP?" whose POST to
// /session/end/confirm with `logout=yes` ends the OP session) and back-channel logout: the OP then
// posts a logout token to each client's backchannel_logout_uri, here a relay on the OP itself
// (/test/backchannel-relay) that forwards it unchanged to the relying party the session logged in to,
// which listens on a random port per test (see the relay below).
//
// Nothing is persisted: keys, sessions, grants and codes live in memory for the life of the process.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

// Two warnings oidc-provider prints are expected here and only noise in the test log: version 9
// warns about node versions older than 22 (it works on node 20), and about the in-memory adapter
// (which is the point: nothing outlives the process). The first is printed at import time, hence
// the dynamic import after the filter is in place.
const QUIET = ['Unsupported runtime', 'in-memory adapter'];
const { warn } = console;
console.warn = (...args) => {
  if (!QUIET.some((q) => String(args[0]).includes(q))) warn(...args);
};
const { default: Provider, interactionPolicy } = await import('oidc-provider');

const port = Number(process.env.OP_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('op.mjs: set OP_PORT to the port to listen on (127.0.0.1 only)');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const ACR_LOW = 'urn:grn:authn:dk:mitid:low';
const ACR_SUBSTANTIAL = 'urn:grn:authn:dk:mitid:substantial';
const ACR_HIGH = 'urn:grn:authn:dk:mitid:high';

// Test accounts, by the login name used in login_hint / the login form. `sub` is stable across runs.
const ACCOUNTS = {
  citizen: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000001',
      name: 'Freja Testborger',
      email: 'freja@borger.example',
      email_verified: true,
      birthdate: '2008-03-14',
      cprNumberIdentifier: '1403084123',
    },
  },
  citizen_high: {
    acr: ACR_HIGH,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000002',
      name: 'Frede Højborger',
      email: 'frede@borger.example',
      email_verified: true,
      birthdate: '2005-01-01',
      cprNumberIdentifier: '0101051234',
    },
  },
  citizen_low: {
    acr: ACR_LOW,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000003',
      name: 'Lone Lavborger',
      email: 'lone@borger.example',
      email_verified: true,
      birthdate: '2006-02-02',
      cprNumberIdentifier: '0202064321',
    },
  },
  citizen_nocpr: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000004',
      name: 'Nanna Udencpr',
      email: 'nanna@borger.example',
      email_verified: true,
      birthdate: '2007-07-07',
    },
  },
  staff: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000005',
      name: 'Sara Sagsbehandler',
      email: 'sara@kommune.example',
      email_verified: true,
    },
  },
  // A second account at the provider with Sara's address: must not reach her vejviser account.
  staff_twin: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000006',
      name: 'Sara Tvilling',
      email: 'sara@kommune.example',
      email_verified: true,
    },
  },
  // An address the provider does not vouch for.
  staff_unverified: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000007',
      name: 'Ulla Ubekræftet',
      email: 'ulla@kommune.example',
      email_verified: false,
    },
  },
  // No address at all.
  staff_noemail: {
    acr: ACR_SUBSTANTIAL,
    claims: {
      sub: '7c1e2f4a-0b3d-4e5f-8a9b-000000000008',
      name: 'Niels Utenmail',
    },
  },
};
const ACCOUNTS_BY_SUB = new Map(Object.values(ACCOUNTS).map((a) => [a.claims.sub, a]));
const accountNamed = (login) => (Object.hasOwn(ACCOUNTS, login) ? ACCOUNTS[login] : undefined);

// The relying party under test listens on a random port per test, so its redirect_uri cannot be
// registered exactly. Exactly this shape is accepted instead: http, host 127.0.0.1, an explicit port,
// path /auth/callback/<provider name>, no query, no fragment. See the redirectUriAllowed override.
const CALLBACK = /^http:\/\/127\.0\.0\.1:([1-9][0-9]{0,4})\/auth\/callback\/[a-z0-9_-]+$/;
const callbackAllowed = (uri) => {
  const m = typeof uri === 'string' && CALLBACK.exec(uri);
  return Boolean(m) && Number(m[1]) <= 65535;
};
// The same for the page a logout returns to.
const LOGGED_OUT = /^http:\/\/127\.0\.0\.1:([1-9][0-9]{0,4})\/auth\/logged-out$/;
const loggedOutAllowed = (uri) => {
  const m = typeof uri === 'string' && LOGGED_OUT.exec(uri);
  return Boolean(m) && Number(m[1]) <= 65535;
};
const RELAY_PATH = '/test/backchannel-relay';

const client = (clientId, clientSecret) => ({
  client_id: clientId,
  client_secret: clientSecret,
  // Only an example: the override below replaces exact matching with the CALLBACK pattern.
  redirect_uris: ['http://127.0.0.1:8080/auth/callback/mitid'],
  // Examples too: postLogoutRedirectUriAllowed accepts the LOGGED_OUT pattern.
  post_logout_redirect_uris: ['http://127.0.0.1:8080/auth/logged-out'],
  backchannel_logout_uri: `${issuer}${RELAY_PATH}`,
  backchannel_logout_session_required: true,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
});

// A fresh signing key per run; relying parties fetch it from jwks_uri.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: `op-${crypto.randomBytes(6).toString('hex')}`,
  use: 'sig',
  alg: 'RS256',
};

// Login prompt: besides the default checks, ask again when login_hint names a test account other
// than the one already logged in at this OP (the RP's cookie jar may hold an earlier OP session).
const policy = interactionPolicy.base();
policy.get('login').checks.add(new interactionPolicy.Check(
  'login_hint_other_account',
  'login_hint names another account than the logged-in one',
  (ctx) => {
    const hinted = accountNamed(ctx.oidc.params.login_hint);
    if (!hinted || ctx.oidc.result?.login) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    return hinted.claims.sub !== ctx.oidc.session.accountId;
  },
));

const provider = new Provider(issuer, {
  clients: [client('vejviser-citizen', 'citizen-secret'), client('vejviser-staff', 'staff-secret')],
  jwks: { keys: [signingKey] },
  cookies: {
    keys: [crypto.randomBytes(32).toString('base64url')],
    // Plain http on 127.0.0.1: never mark the interaction/session cookies Secure.
    long: { httpOnly: true, sameSite: 'lax', secure: false },
    short: { httpOnly: true, sameSite: 'lax', secure: false },
  },
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic'],
  acrValues: [ACR_LOW, ACR_SUBSTANTIAL, ACR_HIGH],
  scopes: ['openid', 'profile', 'email', 'cpr'],
  claims: {
    acr: null,
    auth_time: null,
    iss: null,
    sid: null,
    // acr is a standalone claim that oidc-provider only puts in the ID token when requested
    // (claims parameter, acr_values); listing it under `openid` puts it in every ID token.
    openid: ['sub', 'acr'],
    profile: ['name', 'birthdate'],
    email: ['email', 'email_verified'],
    cpr: ['cprNumberIdentifier'],
  },
  // Scope claims go to userinfo only; the ID token carries sub, acr, nonce (and auth_time after a
  // prompt=login or max_age request).
  conformIdTokenClaims: true,
  allowOmittingSingleRegisteredRedirectUri: false,
  pkce: { required: () => true },
  // Outgoing requests (the back-channel logout POST) go through oidc-provider's SSRF guard, which
  // refuses loopback addresses; the only one this OP makes is to its own relay on 127.0.0.1, so
  // that one goes without the guard's dispatcher.
  fetch(url, options) {
    const target = new URL(url);
    if (target.origin === issuer && target.pathname === RELAY_PATH) {
      const { dispatcher, ...unguarded } = options;
      return fetch(url, unguarded);
    }
    return fetch(url, options);
  },
  features: {
    devInteractions: { enabled: false },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = `<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Test-OP log ud</title></head>
<body>
<h1>Log ud af Test-OP?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, log mig ud</button>
</body></html>
`;
      },
    },
  },
  interactions: {
    policy,
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  // Errors that cannot go back to the client (e.g. a refused redirect_uri): a short plain-text 400
  // such as "invalid_redirect_uri: redirect_uri did not match any of the client's registered
  // redirect_uris", instead of the default HTML page.
  renderError(ctx, out) {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = `${out.error}: ${out.error_description ?? ''}\n`;
  },
  async findAccount(ctx, sub) {
    const account = ACCOUNTS_BY_SUB.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ ...account.claims }) };
  },
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 10 * 60,
    Session: 60 * 60,
    Grant: 60 * 60,
  },
});

// Documented extension point (oidc-provider recipe "redirect_uri wildcards"): replace the exact
// redirect_uri match of every client with the CALLBACK pattern above. Used at the authorization
// endpoint; the token endpoint still requires the very redirect_uri the code was issued for.
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(uri) {
  return callbackAllowed(uri);
};
provider.Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(uri) {
  return loggedOutAllowed(uri);
};

// ---- back-channel relay -------------------------------------------------------------------------

// Which relying party each OP session (`sid`) logged in to: its back-channel logout URI, made from
// the redirect_uri of the authorization (http://127.0.0.1:<port>/auth/callback/<provider name>).
const relayTargets = new Map();
provider.on('authorization.success', (ctx) => {
  const { client, params, session } = ctx.oidc;
  const sid = client && session?.sidFor(client.clientId);
  if (!sid || !callbackAllowed(params.redirect_uri)) return;
  relayTargets.set(sid, params.redirect_uri.replace('/auth/callback/', '/auth/backchannel-logout/'));
});
provider.on('backchannel.error', (ctx, err, client) => {
  console.error(`op.mjs: back-channel logout to ${client.clientId} failed: ${err.message}`);
});

// Forwards a logout token, unchanged, to the relying party its `sid` logged in to; answers what
// the relying party answered (oidc-provider logs anything but 200 as a back-channel error).
async function relayLogout(req, res) {
  const form = await readForm(req);
  const token = form.get('logout_token') ?? '';
  let sid;
  try {
    sid = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).sid;
  } catch {
    return plain(res, 400, 'not a logout token');
  }
  const target = relayTargets.get(sid);
  if (!target) return plain(res, 200, 'no relying party for that session');
  relayTargets.delete(sid);
  const answer = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }),
    redirect: 'manual',
  });
  return plain(res, answer.status, await answer.text());
}

// ---- interactions -------------------------------------------------------------------------------

// Logs `account` in (with its acr) and grants the requested scopes and claims, then redirects (303)
// to the provider's resume endpoint /auth/<uid>, which redirects (303) on to the client.
async function finishLogin(req, res, details, account) {
  const { sub } = account.claims;
  if (details.session?.accountId && details.session.accountId !== sub) {
    // Another account holds this OP session. Drop it here, so that resuming logs the new account
    // in directly instead of answering oidc-provider's "log out first" confirmation form.
    const session = await provider.Session.findByUid(details.session.uid);
    delete details.session;
    await details.save(details.exp - Math.floor(Date.now() / 1000));
    await session?.destroy();
  }
  const grant = new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  if (details.params.claims) {
    const requested = JSON.parse(details.params.claims);
    grant.addOIDCClaims([...Object.keys(requested.id_token ?? {}), ...Object.keys(requested.userinfo ?? {})]);
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: sub, acr: account.acr, remember: true },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

// Consent only (the account is already logged in at the OP): grant whatever is missing.
async function finishConsent(req, res, details) {
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res, uid, hint) {
  const body = `<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Test-OP login</title></head>
<body>
<h1>Test-OP login</h1>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Konto <input name="login" value="${escapeHtml(hint ?? '')}" autofocus></label>
<button type="submit">Log ind</button>
</form>
<p>Konti: ${Object.keys(ACCOUNTS).map(escapeHtml).join(', ')}</p>
</body></html>
`;
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function plain(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(req, res, url) {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
  if (!m) return plain(res, 404, 'not found');
  const [, uid, login] = m;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    return plain(res, 400, `interaction not found or expired: ${err.message}`);
  }
  if (details.uid !== uid) return plain(res, 400, 'interaction mismatch');

  if (!login && req.method === 'GET') {
    if (details.prompt.name === 'login') {
      const hinted = accountNamed(details.params.login_hint);
      if (hinted) return finishLogin(req, res, details, hinted);
      return loginPage(res, uid, details.params.login_hint);
    }
    if (details.prompt.name === 'consent') return finishConsent(req, res, details);
    return plain(res, 400, `unsupported prompt ${details.prompt.name}`);
  }
  if (login && req.method === 'POST') {
    const form = await readForm(req);
    const account = accountNamed(form.get('login'));
    if (!account) return plain(res, 400, `unknown test account: ${form.get('login')}`);
    return finishLogin(req, res, details, account);
  }
  res.setHeader('Allow', login ? 'POST' : 'GET');
  return plain(res, 405, 'method not allowed');
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === '/interaction' || url.pathname.startsWith('/interaction/')) {
    interaction(req, res, url).catch((err) => {
      console.error('op.mjs: interaction failed:', err);
      if (!res.headersSent) plain(res, err.status ?? 500, err.message);
      else res.destroy();
    });
    return;
  }
  if (url.pathname === RELAY_PATH && req.method === 'POST') {
    relayLogout(req, res).catch((err) => {
      console.error('op.mjs: back-channel relay failed:', err);
      if (!res.headersSent) plain(res, 502, err.message);
    });
    return;
  }
  callback(req, res);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`op listening on ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
