// A real OpenID provider for the test suite: panva's oidc-provider (OpenID Certified),
// with the test's clients, people, claims and signing keys, and plain login and consent
// pages that a test drives with HTTP requests or clicks through in a browser.
//
// Usage: node server.mjs CONFIG.json
// CONFIG: {"port", "issuer", "keys": {"keys": [private JWKs]}, "clients": [...],
//          "accounts": {"username": {"password", "amr": [...], "acr", "claims": {...}}},
//          "idTokenTtl": seconds}
// Prints "listening <issuer>" when it answers.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}.error{color:#a00}</style>
</head><body><main><h1>Test identity provider</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginForm(uid, error = '') {
  return page('Sign in', `<h2>Sign in</h2>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="sign-in">Sign in</button></form>`);
}

function consentForm(uid, clientId, scopes) {
  return page('Consent', `<h2>Allow ${escape(clientId)}?</h2>
<p>It asks for: ${escape(scopes.join(' '))}</p>
<form method="post" action="/interaction/${escape(uid)}/confirm">
<button type="submit" id="allow">Allow</button></form>`);
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.keys,
  cookies: { keys: ['test-provider-cookie-key'] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  acrValues: ['urn:test:pwd', 'urn:test:mfa'],
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale'],
    groups: ['groups'],
    organisation: ['org'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', 'organisation'],
  ttl: {
    IdToken: config.idTokenTtl || 3600,
    AccessToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out', `<h2>Sign out of the test provider?</h2>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout" id="logout-yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<p>You have signed out.</p>');
      },
    },
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Error', `<p class="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
  },
  findAccount: async (ctx, sub) => {
    const entry = Object.entries(accounts).find(([, account]) => account.claims.sub === sub);
    if (!entry) return undefined;
    return { accountId: sub, claims: async () => ({ ...entry[1].claims }) };
  },
});

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
  if (!match) return next();
  const [, uid, action] = match;
  ctx.set('cache-control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
  const { prompt, params } = details;
  ctx.type = 'html';
  if (!action) {
    ctx.body = prompt.name === 'login'
      ? loginForm(uid)
      : consentForm(uid, params.client_id, String(params.scope).split(' '));
    return undefined;
  }
  if (ctx.method !== 'POST') ctx.throw(405);
  let result;
  if (action === 'login') {
    const form = await readForm(ctx.req);
    const account = accounts[form.get('username') || ''];
    if (!account || account.password !== form.get('password')) {
      ctx.status = 200;
      ctx.body = loginForm(uid, 'Wrong username or password.');
      return undefined;
    }
    result = {
      login: { accountId: account.claims.sub, amr: account.amr, acr: account.acr },
    };
  } else {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    result = { consent: { grantId: await grant.save() } };
  }
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(redirectTo);
  return undefined;
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${config.issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
