// A per-record sync script in the style of the S3 seed (the "acuerdos"
// Lambda of /work/shared/seeds/003): log in with the OAuth password grant,
// then for each row look the record up by its external id and update it
// (PATCH by Id) or create it (POST). Plain REST calls, no client library.
// Usage: node seed_acuerdos.js ROWS.json   (SF_SANDBOX_URL names the org)
// Prints {"created":n,"updated":n,"failed":n} on stdout.
const fs = require('node:fs');

const base = process.env.SF_SANDBOX_URL;
const api = '/services/data/v60.0/sobjects/ti_acuerdo__c';

async function login() {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: 'demo-client',
    client_secret: 'demo-secret',
    username: 'demo@example.com',
    password: 'demo',
  });
  const res = await fetch(`${base}/services/oauth2/token`, { method: 'POST', body: form });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const rows = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const auth = await login();
  const headers = { Authorization: `Bearer ${auth.access_token}`, 'Content-Type': 'application/json' };
  const summary = { created: 0, updated: 0, failed: 0, errors: [] };
  for (const row of rows) {
    const { Codigo__c: code, ...fields } = row;
    const found = await fetch(`${auth.instance_url}${api}/Codigo__c/${encodeURIComponent(code)}`, { headers });
    let res;
    if (found.status === 200) {
      const { Id } = await found.json();
      res = await fetch(`${auth.instance_url}${api}/${Id}`, { method: 'PATCH', headers, body: JSON.stringify(fields) });
      if (res.status === 204) summary.updated += 1;
    } else if (found.status === 404) {
      res = await fetch(`${auth.instance_url}${api}`, { method: 'POST', headers, body: JSON.stringify(row) });
      if (res.status === 201) summary.created += 1;
    } else {
      res = found;
    }
    if (res.status >= 300) {
      summary.failed += 1;
      summary.errors.push(`${code}: ${res.status} ${await res.text()}`);
    }
  }
  process.stdout.write(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
