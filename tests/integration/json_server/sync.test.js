// crmsync (the real binary) syncing into and out of json-server through the
// rest connector: link-header and page pagination, search by field for
// matching, create / update / delete, and a second run that writes nothing.
const { test } = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const binary = process.env.CRMSYNC_BINARY;
const api = process.env.JSON_SERVER_URL;
const work = process.env.WORK_DIR;
const config = path.join(work, 'crmsync.yaml');

fs.mkdirSync(path.join(work, 'files'), { recursive: true });
fs.writeFileSync(config, `
connections:
  api:
    type: rest
    base_url: \${JSON_SERVER_URL}
    objects:
      customers:
        path: /customers
        pagination: link_header
        page_param: _page
        size_param: _limit
        page_size: 5
        get_path: /customers/{id}
      contacts:
        path: /contacts
        pagination: page
        page_param: _page
        size_param: _limit
        page_size: 5
  files: {type: file, dir: files}
flows:
  customers_in:
    source: {connection: api, object: customers}
    target: {connection: files, object: customers.csv}
    mapping: {code: code, name: name, city: city}
  contacts_out:
    source: {connection: files, object: contacts.csv, id_field: email}
    target: {connection: api, object: contacts}
    match: {target_field: email}
    on_delete: delete
    mapping: {email: email, name: name}
`);

function contactsCsv(rows) {
  fs.writeFileSync(path.join(work, 'files', 'contacts.csv'),
    'email,name\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
}

function run() {
  const out = execFileSync(binary, ['run', '-c', config, '--json', '--no-progress'], {
    env: { ...process.env, JSON_SERVER_URL: api },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

async function get(p) {
  const res = await fetch(api + p);
  assert.strictEqual(res.status, 200);
  return res.json();
}

function writes(c) {
  return c.created + c.updated + c.deleted;
}

test('validate accepts the config', () => {
  execFileSync(binary, ['validate', '-c', config], { env: { ...process.env, JSON_SERVER_URL: api } });
});

test('first run: customers paged in by Link header, contacts linked by email or created', async () => {
  contactsCsv([['old@example.com', 'Already There'], ['a@example.com', 'Ann'], ['b@example.com', 'Bob']]);
  const r = run();
  assert.strictEqual(r.status, 'succeeded');
  const cin = r.flows.customers_in;
  assert.strictEqual(cin.read, 12);
  assert.strictEqual(cin.created, 12);
  const lines = fs.readFileSync(path.join(work, 'files', 'customers.csv'), 'utf8').trim().split('\n');
  assert.strictEqual(lines.length, 13);
  assert.ok(lines.some((l) => l.includes('Hormoz Shipping')));
  const cout = r.flows.contacts_out;
  assert.strictEqual(cout.created, 2);
  assert.strictEqual(cout.failed, 0);
  const contacts = await get('/contacts');
  assert.strictEqual(contacts.length, 3);  // old@example.com found, not duplicated
  assert.deepStrictEqual(contacts.map((c) => c.email).sort(),
    ['a@example.com', 'b@example.com', 'old@example.com']);
});

test('second run writes nothing', () => {
  const r = run();
  assert.strictEqual(writes(r.flows.customers_in), 0);
  assert.strictEqual(r.flows.customers_in.skipped, 12);
  assert.strictEqual(writes(r.flows.contacts_out), 0);
  assert.strictEqual(r.flows.contacts_out.skipped, 3);
});

test('a changed row is PATCHed, a removed row DELETEd, a changed API record read back', async () => {
  contactsCsv([['old@example.com', 'Already There'], ['b@example.com', 'Bobby']]);
  const res = await fetch(api + '/customers/3', {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Caspian Trading Group' }),
  });
  assert.strictEqual(res.status, 200);
  const r = run();
  assert.strictEqual(r.flows.contacts_out.updated, 1);
  assert.strictEqual(r.flows.contacts_out.deleted, 1);
  assert.strictEqual(r.flows.customers_in.updated, 1);
  const contacts = await get('/contacts');
  assert.deepStrictEqual(contacts.map((c) => [c.email, c.name]).sort(),
    [['b@example.com', 'Bobby'], ['old@example.com', 'Already There']]);
  const csv = fs.readFileSync(path.join(work, 'files', 'customers.csv'), 'utf8');
  assert.ok(csv.includes('Caspian Trading Group'));
  const again = run();
  assert.strictEqual(writes(again.flows.contacts_out) + writes(again.flows.customers_in), 0);
});
