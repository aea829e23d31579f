// The per-record script (seed_acuerdos.js: look up by external id,
// then create or update) run three times against the sandbox: only the
// first run creates; the later ones update the same records.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const url = process.env.SF_SANDBOX_URL;

function run(rows) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acuerdos-'));
  try {
    const file = path.join(dir, 'rows.json');
    fs.writeFileSync(file, JSON.stringify(rows));
    const out = execFileSync(process.execPath, [path.join(__dirname, 'seed_acuerdos.js'), file], {
      env: { ...process.env, SF_SANDBOX_URL: url },
    });
    return JSON.parse(out.toString());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function count() {
  const auth = await (await fetch(`${url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password', client_id: 'demo-client', client_secret: 'demo-secret',
      username: 'demo@example.com', password: 'demo',
    }),
  })).json();
  const q = encodeURIComponent("SELECT Codigo__c, Valor__c FROM ti_acuerdo__c WHERE Codigo__c LIKE 'SEED-%' ORDER BY Codigo__c");
  const res = await fetch(`${url}/services/data/v60.0/query?q=${q}`, {
    headers: { Authorization: `Bearer ${auth.access_token}` },
  });
  return res.json();
}

test('a seed-style script run three times creates only on the first run', async () => {
  const rows = Array.from({ length: 12 }, (_, i) => ({
    Codigo__c: `SEED-${String(i).padStart(2, '0')}`,
    Name: `Acuerdo ${i}`,
    Valor__c: 100 + i,
    Estado__c: 'Vigente',
    Empresa__c: 'ITALCOL',
  }));
  const first = run(rows);
  assert.deepEqual(first, { created: 12, updated: 0, failed: 0, errors: [] });
  const second = run(rows);
  assert.deepEqual(second, { created: 0, updated: 12, failed: 0, errors: [] });
  const changed = rows.map((r) => ({ ...r, Valor__c: r.Valor__c + 1000 }));
  const third = run(changed);
  assert.deepEqual(third, { created: 0, updated: 12, failed: 0, errors: [] });
  const after = await count();
  assert.equal(after.totalSize, 12);
  assert.deepEqual(after.records.map((r) => r.Valor__c), changed.map((r) => r.Valor__c));
  const counters = await (await fetch(`${url}/__admin/counters`)).json();
  assert.equal(counters.endpoints.unknown, undefined);
  assert.equal(counters.endpoints['sobject.byExternalId'] >= 36, true);
});
