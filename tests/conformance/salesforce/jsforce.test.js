// The official jsforce client against `crmsync sandbox salesforce`
// (started by run.sh with --seed-records 5000; its URL in SF_SANDBOX_URL).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const jsforce = require('jsforce');
const { StreamingExtension } = require('jsforce/api/streaming');

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

test('bulk2.loadAndWaitForResults: insert and upsert, a failing row in each', async () => {
  const conn = await oauthConnection();
  conn.bulk2.pollInterval = 200;
  const ins = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'insert',
    input: [
      { LastName: 'Bulk, "A"', FirstName: 'Ann', External_Id__c: 'BULK-1' },
      { LastName: 'Bulk B', FirstName: 'Bo', External_Id__c: 'BULK-2' },
      { LastName: null, FirstName: 'NoLast', External_Id__c: 'BULK-3' },
    ],
  });
  assert.equal(ins.successfulResults.length, 2);
  for (const r of ins.successfulResults) {
    assert.match(r.sf__Id, /^003[0-9A-Za-z]{15}$/);
    assert.equal(String(r.sf__Created), 'true');
  }
  assert.deepEqual(ins.successfulResults.map((r) => r.LastName).sort(), ['Bulk B', 'Bulk, "A"']);
  assert.equal(ins.failedResults.length, 1);
  assert.equal(ins.failedResults[0].FirstName, 'NoLast');
  assert.match(ins.failedResults[0].sf__Error, /^REQUIRED_FIELD_MISSING:.*LastName --$/);
  assert.equal(ins.unprocessedRecords.length, 0);

  const up = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'External_Id__c',
    input: [
      { External_Id__c: 'BULK-1', LastName: 'Bulk A2', Birthdate: '1990-01-02' },
      { External_Id__c: 'BULK-4', LastName: 'Bulk D', Birthdate: '1991-02-03' },
      { External_Id__c: 'BULK-5', LastName: 'Bulk E', Birthdate: 'not-a-date' },
    ],
  });
  const created = Object.fromEntries(up.successfulResults.map((r) => [r.External_Id__c, String(r.sf__Created)]));
  assert.deepEqual(created, { 'BULK-1': 'false', 'BULK-4': 'true' });
  assert.equal(up.failedResults.length, 1);
  // The column is counted from 0 over the uploaded columns (jsforce adds an
  // empty Id column of its own).
  const columns = Object.keys(up.failedResults[0]).slice(2);
  assert.equal(
    up.failedResults[0].sf__Error,
    `INVALID_FIELD:Failed to deserialize field at col ${columns.indexOf('Birthdate')}. Due to, ` +
      "'not-a-date' is not a valid value for the type xsd:date:Birthdate --");
  const row = await conn.query("SELECT LastName FROM Contact WHERE External_Id__c = 'BULK-1'");
  assert.equal(row.records[0].LastName, 'Bulk A2');
});

test('bulk2.query follows Sforce-Locator over several pages (sandbox started with --bulk-page-records 2000)', async () => {
  const conn = await oauthConnection();
  conn.bulk2.pollInterval = 200;
  const before = (await admin('/__admin/counters')).endpoints['bulk.query.results'] || 0;
  const stream = await conn.bulk2.query('SELECT Id, Name, Account.Name FROM Contact');
  const records = await new Promise((resolve, reject) => {
    const out = [];
    stream.on('record', (r) => out.push(r));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
  const total = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
  assert.ok(total > 5000, `contacts: ${total}`);
  const pages = (await admin('/__admin/counters')).endpoints['bulk.query.results'] - before;
  assert.equal(pages, Math.ceil(total / 2000));
  // Every results page is a whole CSV file with its header row, as the real
  // service sends it; jsforce 3.10 parses the pages as one stream, so the
  // header of each page after the first comes out as a record.
  const headers = records.filter((r) => r.Id === 'Id');
  assert.equal(headers.length, pages - 1);
  const rows = records.filter((r) => r.Id !== 'Id');
  assert.equal(rows.length, total);
  assert.equal(new Set(rows.map((r) => r.Id)).size, total);
  assert.ok(rows.every((r) => /^003[0-9A-Za-z]{15}$/.test(r.Id)));
});

// Change Data Capture over the Streaming API (Faye, long polling at
// /cometd/50.0). Every Faye client is disconnected at the end: a pending
// long poll would otherwise keep the test process alive.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The first `n` change events on `channel` naming `recordId`, from a client
// subscribed with the replay extension at `replayId`; `afterSubscribe` runs
// once the subscription is confirmed.
async function changeEvents(conn, channel, replayId, recordId, n, afterSubscribe) {
  const client = conn.streaming.createClient([new StreamingExtension.Replay(channel, replayId)]);
  try {
    const events = [];
    const done = new Promise((resolve, reject) => {
      const sub = client.subscribe(channel, (msg) => {
        if (!msg.payload.ChangeEventHeader.recordIds.includes(recordId)) return;
        events.push(msg);
        if (events.length === n) resolve(events);
      });
      sub.then(() => Promise.resolve(afterSubscribe ? afterSubscribe() : null).catch(reject), reject);
    });
    return await withTimeout(done, 20000, `${n} events on ${channel}`);
  } finally {
    client.disconnect();
  }
}

test('CDC: a subscription receives the change event of a REST update', async () => {
  const conn = await oauthConnection();
  const acct = await conn.sobject('Account').create({ Name: 'CDC Before' });
  const [msg] = await changeEvents(conn, '/data/AccountChangeEvent', -1, acct.id, 1, () =>
    conn.sobject('Account').update({ Id: acct.id, Name: 'CDC After' }));
  const h = msg.payload.ChangeEventHeader;
  assert.equal(h.entityName, 'Account');
  assert.deepEqual(h.recordIds, [acct.id]);
  assert.equal(h.changeType, 'UPDATE');
  assert.deepEqual(h.changedFields, ['Name', 'LastModifiedDate']);
  assert.match(h.changeOrigin, /^com\/salesforce\/api\/rest\/50\.0/);
  assert.match(h.commitUser, /^005/);
  assert.ok(h.commitTimestamp > 1600000000000);
  assert.equal(msg.payload.Name, 'CDC After');
  assert.ok(Number.isInteger(msg.event.replayId));
  assert.equal(typeof msg.schema, 'string');
});

test('CDC: replay -2 delivers the retained events, replay N the ones after N', async () => {
  const conn = await oauthConnection();
  const channel = '/data/Loan__ChangeEvent';
  const loan = await conn.sobject('Loan__c').create({ Name: 'Replay Loan' });
  await conn.sobject('Loan__c').update({ Id: loan.id, Name: 'Replay Loan 2' });
  await conn.sobject('Loan__c').destroy(loan.id);
  const all = await changeEvents(conn, channel, -2, loan.id, 3);
  assert.deepEqual(all.map((m) => m.payload.ChangeEventHeader.changeType), ['CREATE', 'UPDATE', 'DELETE']);
  assert.equal(all[0].payload.ChangeEventHeader.entityName, 'Loan__c');
  assert.equal(all[0].payload.Name, 'Replay Loan');
  const ids = all.map((m) => m.event.replayId);
  assert.ok(ids[0] < ids[1] && ids[1] < ids[2]);
  const after = await changeEvents(conn, channel, ids[0], loan.id, 2);
  assert.deepEqual(after.map((m) => m.event.replayId), ids.slice(1));
});
