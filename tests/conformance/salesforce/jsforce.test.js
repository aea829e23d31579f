// The official jsforce client against `crmsync sandbox salesforce`
// (started by run.sh with --seed-records 5000; its URL in SF_SANDBOX_URL).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const jsforce = require('jsforce');

const url = process.env.SF_SANDBOX_URL;
const user = 'demo@example.com';
const pass = 'demo';

async function oauthConnection() {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: url, clientId: 'demo-client', clientSecret: 'demo-secret' },
  });
  await conn.login(user, pass);
  return conn;
}

async function admin(path) {
  const res = await fetch(url + path);
  return res.json();
}

test('SOAP login (no client id) gives a working session', async () => {
  const conn = new jsforce.Connection({ loginUrl: url });
  const info = await conn.login(user, pass);
  assert.match(info.id, /^005/);
  assert.match(info.organizationId, /^00D/);
  assert.equal(conn.instanceUrl, url);
  const res = await conn.query('SELECT Id FROM User LIMIT 1');
  assert.equal(res.records.length, 1);
});

test('SOAP login with a wrong password fails with INVALID_LOGIN', async () => {
  const conn = new jsforce.Connection({ loginUrl: url });
  await assert.rejects(conn.login(user, 'wrong'), /INVALID_LOGIN/);
});

test('OAuth password login, identity and limits', async () => {
  const conn = await oauthConnection();
  assert.ok(conn.accessToken.startsWith('00D'));
  assert.equal(conn.instanceUrl, url);
  assert.match(conn.userInfo.id, /^005/);
  const limits = await conn.limits();
  assert.ok(limits.DailyApiRequests.Max > 0);
  assert.ok(limits.DailyApiRequests.Remaining < limits.DailyApiRequests.Max);
  const identity = await conn.identity();
  assert.equal(identity.username, user);
});

test('OAuth password login with a wrong secret is refused', async () => {
  const conn = new jsforce.Connection({
    oauth2: { loginUrl: url, clientId: 'demo-client', clientSecret: 'nope' },
  });
  await assert.rejects(conn.login(user, pass), (err) => err.name === 'invalid_client');
});

test('query with autoFetch reads 3+ pages', async () => {
  const conn = await oauthConnection();
  const before = (await admin('/__admin/counters')).endpoints.queryMore || 0;
  const res = await conn.query('SELECT Id, Name, Account.Name FROM Contact ORDER BY Name')
    .run({ autoFetch: true, maxFetch: 100000 });
  assert.equal(res.totalSize, 5000);
  assert.equal(res.records.length, 5000);
  assert.equal(new Set(res.records.map((r) => r.Id)).size, 5000);
  assert.ok(res.records[0].Account.Name);
  const after = (await admin('/__admin/counters')).endpoints.queryMore;
  assert.ok(after - before >= 2, `queryMore calls: ${after - before}`);
});

test('query errors are MALFORMED_QUERY / INVALID_FIELD', async () => {
  const conn = await oauthConnection();
  await assert.rejects(conn.query('SELECT Id FROM Account WHERE'), (e) => e.errorCode === 'MALFORMED_QUERY');
  await assert.rejects(conn.query('SELECT Nope FROM Account'), (e) => e.errorCode === 'INVALID_FIELD');
  await assert.rejects(conn.query('SELECT Id FROM Nope'), (e) => e.errorCode === 'INVALID_TYPE');
});

test('single create, retrieve, update, upsert, destroy; queryAll sees the deleted record', async () => {
  const conn = await oauthConnection();
  const created = await conn.sobject('Account').create({ Name: 'Conformance One' });
  assert.equal(created.success, true);
  assert.match(created.id, /^001[0-9A-Za-z]{15}$/);
  const updated = await conn.sobject('Account').update({ Id: created.id, Name: 'Conformance Two' });
  assert.equal(updated.success, true);
  const row = await conn.sobject('Account').retrieve(created.id);
  assert.equal(row.Name, 'Conformance Two');
  assert.equal(row.IsDeleted, false);

  const up1 = await conn.sobject('Loan__c').upsert({ Name: 'Up', Loan_Number__c: 'CONF-1' }, 'Loan_Number__c');
  assert.equal(up1.success, true);
  assert.equal(up1.created, true);
  const up2 = await conn.sobject('Loan__c').upsert({ Name: 'Up 2', Loan_Number__c: 'CONF-1' }, 'Loan_Number__c');
  assert.equal(up2.created, false);
  assert.equal(up2.id, up1.id);

  const gone = await conn.sobject('Account').destroy(created.id);
  assert.equal(gone.success, true);
  const live = await conn.query(`SELECT Id FROM Account WHERE Id = '${created.id}'`);
  assert.equal(live.totalSize, 0);
  const all = await conn.query(`SELECT Id, IsDeleted FROM Account WHERE Id = '${created.id}'`, { scanAll: true });
  assert.equal(all.totalSize, 1);
  assert.equal(all.records[0].IsDeleted, true);
  await assert.rejects(conn.sobject('Account').retrieve(created.id), (e) => e.errorCode === 'NOT_FOUND');
});

test('multiple create, update, upsert, retrieve, destroy via sObject Collections', async () => {
  const conn = await oauthConnection();
  const rets = await conn.sobject('Contact').create([
    { FirstName: 'Siena', LastName: 'Dyer' },
    { FirstName: 'Markus' },
  ]);
  assert.equal(rets[0].success, true);
  assert.equal(rets[1].success, false);
  assert.equal(rets[1].errors[0].statusCode, 'REQUIRED_FIELD_MISSING');
  const ok = await conn.sobject('Contact').create([{ LastName: 'A' }, { LastName: 'B' }]);
  const ids = ok.map((r) => r.id);
  const upd = await conn.sobject('Contact').update(ids.map((Id, i) => ({ Id, Title: `T${i}` })));
  assert.deepEqual(upd.map((r) => r.success), [true, true]);
  const got = await conn.sobject('Contact').retrieve(ids, { fields: ['Title'] });
  assert.deepEqual(got.map((r) => r.Title), ['T0', 'T1']);
  const ups = await conn.sobject('Loan__c').upsert(
    [{ Name: 'M1', Loan_Number__c: 'CONF-M1' }, { Name: 'M2', Loan_Number__c: 'CONF-1' }], 'Loan_Number__c');
  assert.deepEqual(ups.map((r) => r.created), [true, false]);
  const del = await conn.sobject('Contact').destroy(ids);
  assert.deepEqual(del.map((r) => r.success), [true, true]);
});

test('describe and describeGlobal', async () => {
  const conn = await oauthConnection();
  const global = await conn.describeGlobal();
  const names = global.sobjects.map((s) => s.name);
  for (const n of ['Account', 'Contact', 'Opportunity', 'Loan__c', 'User']) assert.ok(names.includes(n), n);
  const loan = await conn.sobject('Loan__c').describe();
  assert.equal(loan.keyPrefix, 'a0X');
  const borrower = loan.fields.find((f) => f.name === 'Primary_Borrower__c');
  assert.equal(borrower.type, 'reference');
  assert.deepEqual(borrower.referenceTo, ['Contact']);
  assert.equal(borrower.relationshipName, 'Primary_Borrower__r');
  assert.equal(loan.fields.find((f) => f.name === 'Loan_Number__c').externalId, true);
});

test('updated and deleted feeds', async () => {
  const conn = await oauthConnection();
  const start = new Date(Date.now() - 60_000);
  const { id } = await conn.sobject('Opportunity').create({ Name: 'Feed', StageName: 'Prospecting', CloseDate: '2030-01-01' });
  await conn.sobject('Opportunity').destroy(id);
  const end = new Date(Date.now() + 60_000);
  const del = await conn.sobject('Opportunity').deleted(start, end);
  assert.ok(del.deletedRecords.some((r) => r.id === id));
  const upd = await conn.sobject('Account').updated(start, end);
  assert.ok(Array.isArray(upd.ids));
});
