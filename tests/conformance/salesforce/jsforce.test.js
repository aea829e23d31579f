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

// Issue 28: every REST data resource a user's own script calls. Written from
// the Salesforce REST API documentation's examples and the recorded answers
// of ../shared/fixtures/recorded (error bodies: NOT_FOUND, INVALID_FIELD,
// MALFORMED_ID "malformed id ...", save results).

function connectionAt(conn, version) {
  return new jsforce.Connection({ instanceUrl: conn.instanceUrl, accessToken: conn.accessToken, version });
}

test('sObject rows by external id: retrieve, 300 with the candidates, 404, upsert, HEAD, DELETE', async () => {
  const conn = await oauthConnection();
  const acuerdos = conn.sobject('ti_acuerdo__c');
  const made = await acuerdos.create({ Name: 'JS Acuerdo', Codigo__c: 'JS-1' });
  const row = await acuerdos.retrieve('Codigo__c/JS-1');
  assert.equal(row.Id, made.id);
  assert.equal(row.attributes.type, 'ti_acuerdo__c');
  assert.equal(row.attributes.url, `/services/data/v50.0/sobjects/ti_acuerdo__c/${made.id}`);
  const some = await acuerdos.retrieve('Codigo__c/JS-1', { fields: ['Name'] });
  assert.deepEqual(Object.keys(some).sort(), ['Name', 'attributes']);

  await assert.rejects(acuerdos.retrieve('Codigo__c/JS-NONE'), (e) =>
    e.errorCode === 'NOT_FOUND' && e.message === 'The requested resource does not exist');
  await assert.rejects(acuerdos.retrieve('Empresa__c/X'), (e) =>
    e.errorCode === 'NOT_FOUND' &&
    e.message === 'Provided external ID field does not exist or is not accessible: Empresa__c');

  const a = await conn.sobject('Account').create({ Name: 'Dup A', Legacy_Id__c: 'JS-DUP' });
  const b = await conn.sobject('Account').create({ Name: 'Dup B', Legacy_Id__c: 'JS-DUP' });
  await assert.rejects(conn.sobject('Account').retrieve('Legacy_Id__c/JS-DUP'), (e) => {
    assert.equal(e.errorCode, 'MULTIPLE_CHOICES');
    assert.deepEqual(e.data, [
      `/services/data/v50.0/sobjects/Account/${a.id}`,
      `/services/data/v50.0/sobjects/Account/${b.id}`,
    ]);
    return true;
  });
  await assert.rejects(conn.sobject('Account').upsert({ Name: 'C', Legacy_Id__c: 'JS-DUP' }, 'Legacy_Id__c'),
    (e) => e.errorCode === 'MULTIPLE_CHOICES');

  // Upsert answers by version: 201 created; 200 created:false from v46.0; 204 before.
  const v45 = connectionAt(conn, '45.0');
  const up1 = await v45.sobject('ti_acuerdo__c').upsert({ Name: 'Up', Codigo__c: 'JS-UP' }, 'Codigo__c');
  assert.equal(up1.success, true);
  assert.match(up1.id, /^a1A/);
  const up2 = await v45.sobject('ti_acuerdo__c').upsert({ Name: 'Up 2', Codigo__c: 'JS-UP' }, 'Codigo__c');
  assert.deepEqual(up2, { success: true, errors: [] });  // jsforce's answer to a 204
  const up3 = await acuerdos.upsert({ Name: 'Up 3', Codigo__c: 'JS-UP' }, 'Codigo__c');
  assert.deepEqual(up3, { id: up1.id, success: true, errors: [], created: false });

  const head = await fetch(`${url}/services/data/v60.0/sobjects/ti_acuerdo__c/Codigo__c/JS-1`, {
    method: 'HEAD', headers: { Authorization: `Bearer ${conn.accessToken}` },
  });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  await conn.request({ method: 'DELETE', url: '/sobjects/ti_acuerdo__c/Codigo__c/JS-1' });
  await assert.rejects(acuerdos.retrieve(made.id), (e) => e.errorCode === 'NOT_FOUND');
});

test('sObject resources: basic info, describe, relationships, conditional requests, feed windows', async () => {
  const conn = await oauthConnection();
  const acct = await conn.sobject('Account').create({ Name: 'Rel Parent' });
  const kid = await conn.sobject('Contact').create({ LastName: 'Rel Kid', AccountId: acct.id });
  const info = await conn.request('/sobjects/Account');
  assert.equal(info.objectDescribe.name, 'Account');
  assert.equal(info.objectDescribe.keyPrefix, '001');
  assert.ok(Array.isArray(info.recentItems));
  const kids = await conn.request(`/sobjects/Account/${acct.id}/Contacts?fields=LastName`);
  assert.equal(kids.totalSize, 1);
  assert.equal(kids.records[0].LastName, 'Rel Kid');
  const parent = await conn.request(`/sobjects/Contact/${kid.id}/Account`);
  assert.equal(parent.Name, 'Rel Parent');

  const res = await fetch(`${url}/services/data/v60.0/sobjects/Account/${acct.id}`, {
    headers: { Authorization: `Bearer ${conn.accessToken}` },
  });
  const lastModified = res.headers.get('last-modified');
  assert.match(lastModified, /GMT$/);
  const again = await fetch(`${url}/services/data/v60.0/sobjects/Account/${acct.id}`, {
    headers: { Authorization: `Bearer ${conn.accessToken}`, 'If-Modified-Since': lastModified },
  });
  assert.equal(again.status, 304);
  const stale = new Date(Date.parse(lastModified) - 3600_000).toUTCString();
  const refused = await fetch(`${url}/services/data/v60.0/sobjects/Account/${acct.id}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${conn.accessToken}`, 'Content-Type': 'application/json', 'If-Unmodified-Since': stale },
    body: JSON.stringify({ Name: 'Too late' }),
  });
  assert.equal(refused.status, 412);

  const now = Date.now();
  await assert.rejects(conn.sobject('Account').updated(new Date(now - 40 * 86400_000), new Date(now)),
    (e) => e.errorCode === 'INVALID_REPLICATION_DATE');
  await assert.rejects(conn.sobject('Account').deleted(new Date(now - 20 * 86400_000), new Date(now)),
    (e) => e.errorCode === 'INVALID_REPLICATION_DATE');
  await assert.rejects(conn.sobject('Account').updated(new Date(now), new Date(now - 60_000)),
    (e) => e.errorCode === 'INVALID_REPLICATION_DATE');
});

test('bad input: MALFORMED_ID, INVALID_FIELD, NOT_FOUND, JSON_PARSER_ERROR, METHOD_NOT_ALLOWED', async () => {
  const conn = await oauthConnection();
  const contact = await conn.sobject('Contact').create({ LastName: 'Wrong Type' });
  await assert.rejects(conn.sobject('Account').retrieve(contact.id), (e) =>
    e.errorCode === 'MALFORMED_ID' && e.message === `malformed id ${contact.id}`);
  await assert.rejects(conn.sobject('Account').retrieve('not-an-id'), (e) =>
    e.errorCode === 'NOT_FOUND' &&
    e.message === 'Provided external ID field does not exist or is not accessible: not-an-id');
  await assert.rejects(conn.sobject('Contact').retrieve(contact.id, { fields: ['LastName', 'AccountNumer'] }), (e) =>
    e.errorCode === 'INVALID_FIELD' && e.message === "No such column 'AccountNumer' on sobject of type Contact");
  await assert.rejects(conn.request({
    method: 'POST', url: '/sobjects/Account', body: '{"Name": ', headers: { 'Content-Type': 'application/json' },
  }), (e) => e.errorCode === 'JSON_PARSER_ERROR');
  await assert.rejects(conn.request({ method: 'PUT', url: `/sobjects/Contact/${contact.id}`, body: '{}' }),
    (e) => e.errorCode === 'METHOD_NOT_ALLOWED');
  await assert.rejects(conn.request('/tooling/sobjects'), (e) => e.errorCode === 'NOT_FOUND');
});

test('composite with references and allOrNone, batch, tree, graph, collections GET by ids', async () => {
  const conn = await oauthConnection();
  // A new headers object per request: jsforce adds Content-Length to the one it is given.
  const json = () => ({ 'Content-Type': 'application/json' });
  const comp = await conn.request({
    method: 'POST', url: '/composite', headers: json(), body: JSON.stringify({
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v50.0/sobjects/Account', referenceId: 'NewAccount', body: { Name: 'Composite Co' } },
        { method: 'GET', url: '/services/data/v50.0/sobjects/Account/@{NewAccount.id}', referenceId: 'NewAccountInfo' },
        { method: 'POST', url: '/services/data/v50.0/sobjects/Contact', referenceId: 'NewContact',
          body: { LastName: 'Ref', AccountId: '@{NewAccountInfo.Id}' } },
      ],
    }),
  });
  const [created, read, contact] = comp.compositeResponse;
  assert.equal(created.httpStatusCode, 201);
  assert.equal(created.httpHeaders.Location, `/services/data/v50.0/sobjects/Account/${created.body.id}`);
  assert.equal(read.body.Name, 'Composite Co');
  assert.equal(contact.httpStatusCode, 201);

  const batch = await conn.request({
    method: 'POST', url: '/composite/batch', headers: json(), body: JSON.stringify({
      batchRequests: [
        { method: 'PATCH', url: `v50.0/sobjects/Account/${created.body.id}`, richInput: { Name: 'Batch Co' } },
        { method: 'GET', url: `v50.0/sobjects/Account/${created.body.id}?fields=Name` },
      ],
    }),
  });
  assert.equal(batch.hasErrors, false);
  assert.deepEqual(batch.results.map((r) => r.statusCode), [204, 200]);
  assert.equal(batch.results[1].result.Name, 'Batch Co');

  const tree = await conn.request({
    method: 'POST', url: '/composite/tree/Account', headers: json(), body: JSON.stringify({
      records: [{
        attributes: { type: 'Account', referenceId: 'ref1' }, Name: 'SampleAccount1',
        Contacts: { records: [
          { attributes: { type: 'Contact', referenceId: 'ref2' }, LastName: 'Smith' },
          { attributes: { type: 'Contact', referenceId: 'ref3' }, LastName: 'Evans' },
        ] },
      }, { attributes: { type: 'Account', referenceId: 'ref4' }, Name: 'SampleAccount2' }],
    }),
  });
  assert.equal(tree.hasErrors, false);
  assert.deepEqual(tree.results.map((r) => r.referenceId), ['ref1', 'ref2', 'ref3', 'ref4']);

  const graph = await conn.request({
    method: 'POST', url: '/composite/graph', headers: json(), body: JSON.stringify({
      graphs: [{ graphId: '1', compositeRequest: [
        { method: 'POST', url: '/services/data/v50.0/sobjects/Account', referenceId: 'g1', body: { Name: 'Graph Co' } },
        { method: 'POST', url: '/services/data/v50.0/sobjects/Contact', referenceId: 'g2', body: { LastName: 'G', AccountId: '@{g1.id}' } },
      ] }],
    }),
  });
  assert.equal(graph.graphs[0].isSuccessful, true);
  assert.equal(graph.graphs[0].graphResponse.compositeResponse.length, 2);

  const ids = tree.results.filter((r) => r.referenceId.startsWith('ref') && r.referenceId !== 'ref2' && r.referenceId !== 'ref3').map((r) => r.id);
  const rows = await conn.request(`/composite/sobjects/Account?ids=${ids.join(',')}&fields=Id,Name`);
  assert.deepEqual(rows.map((r) => r.Name), ['SampleAccount1', 'SampleAccount2']);
});

test('find, query with autoFetch and batchSize, queryAll, explain, search, parameterizedSearch', async () => {
  const conn = await oauthConnection();
  await conn.sobject('Account').create([
    { Name: 'Findable One', BillingCity: 'Quito' },
    { Name: 'Findable Two', BillingCity: 'Quito' },
  ]);
  const found = await conn.sobject('Account').find({ Name: { $like: 'Findable%' } }, ['Id', 'Name']).sort('Name').limit(5);
  assert.deepEqual(found.map((r) => r.Name), ['Findable One', 'Findable Two']);

  const first = await conn.request({
    method: 'GET', url: `/queryAll?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
    headers: { 'Sforce-Query-Options': 'batchSize=200' },
  });
  assert.equal(first.records.length, 200);
  assert.equal(first.done, false);
  assert.match(first.nextRecordsUrl, /^\/services\/data\/v50\.0\/query\/01g[0-9A-Za-z]+-200$/);
  const second = await conn.request(first.nextRecordsUrl);
  assert.equal(second.records.length, 200);

  const plan = await conn.query('SELECT Id FROM Account WHERE BillingCity = \'Quito\'').explain();
  assert.equal(plan.plans[0].sobjectType, 'Account');
  assert.equal(plan.plans[0].leadingOperationType, 'TableScan');

  const sosl = await conn.search('FIND {Findable} IN NAME FIELDS RETURNING Account(Id, Name ORDER BY Name)');
  assert.deepEqual(sosl.searchRecords.map((r) => r.Name), ['Findable One', 'Findable Two']);
  assert.equal(sosl.searchRecords[0].attributes.type, 'Account');
  const ps = await conn.request(`/parameterizedSearch?q=Findable&sobject=Account&Account.fields=Id,BillingCity&Account.limit=1`);
  assert.equal(ps.searchRecords.length, 1);
  assert.equal(ps.searchRecords[0].BillingCity, 'Quito');
  await assert.rejects(conn.search('FIND Findable'), (e) => e.errorCode === 'MALFORMED_SEARCH');
});

test('limits counts the daily API requests; recent; versions v50.0 to v62.0', async () => {
  const conn = await oauthConnection();
  const before = (await conn.limits()).DailyApiRequests;
  const after = (await conn.limits()).DailyApiRequests;
  assert.equal(after.Max, before.Max);
  assert.equal(before.Remaining - after.Remaining, 1);
  const acct = await conn.sobject('Account').create({ Name: 'Recent One' });
  await conn.sobject('Account').retrieve(acct.id);
  const recent = await conn.recent(5);
  assert.equal(recent[0].Id, acct.id);
  assert.equal(recent[0].Name, 'Recent One');
  const ofAccounts = await conn.recent('Account', 1);
  assert.equal(ofAccounts[0].Id, acct.id);

  for (const v of ['50.0', '55.0', '58.0', '60.0', '62.0']) {
    const c = connectionAt(conn, v);
    const row = await c.sobject('Account').retrieve(acct.id);
    assert.equal(row.attributes.url, `/services/data/v${v}/sobjects/Account/${acct.id}`, v);
    const q = await c.query(`SELECT Name FROM Account WHERE Id = '${acct.id}'`);
    assert.equal(q.records[0].Name, 'Recent One', v);
  }
  await assert.rejects(connectionAt(conn, '63.0').limits(), (e) => e.errorCode === 'NOT_FOUND');
  const versions = await (await fetch(`${url}/services/data/`)).json();
  assert.equal(versions.at(-1).version, '62.0');
  const counters = (await admin('/__admin/counters')).endpoints;
  assert.equal(counters.unknown, undefined);
  for (const name of ['recent', 'limits', 'sobject.retrieve', 'query']) assert.ok(counters[name] > 0, name);
});
