// The official pipedrive SDK (v2 with the x-api-token header or OAuth
// Bearer tokens, v1 for notes and fields) against a running crmsync
// Pipedrive sandbox. run.sh starts the
// sandbox and sets PIPEDRIVE_SANDBOX_URL.
const test = require('node:test');
const assert = require('node:assert/strict');
const { v1, v2 } = require('pipedrive');

const root = process.env.PIPEDRIVE_SANDBOX_URL;
const token = process.env.PIPEDRIVE_API_TOKEN || 'demo-token';
assert.ok(root, 'PIPEDRIVE_SANDBOX_URL must be set');
const cfg2 = new v2.Configuration({ apiKey: token, basePath: `${root}/api/v2` });
const cfg1 = new v1.Configuration({ apiKey: token, basePath: `${root}/v1` });

async function admin(path, body) {
  const res = await fetch(`${root}/__admin/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body || {}),
  });
  assert.equal(res.status, 200, `admin ${path}`);
  return res.json();
}

test('persons: create, list, get, update, delete', async () => {
  await admin('reset');
  const persons = new v2.PersonsApi(cfg2);
  const created = await persons.addPerson({
    AddPersonRequest: { name: 'Jane Doe', emails: [{ value: 'jane@x.io', primary: true, label: 'work' }] },
  });
  assert.equal(created.success, true);
  const id = created.data.id;
  assert.equal(created.data.emails[0].value, 'jane@x.io');
  assert.equal(created.data.is_deleted, false);

  const got = await persons.getPerson({ id });
  assert.equal(got.data.name, 'Jane Doe');
  const updated = await persons.updatePerson({ id, UpdatePersonRequest: { name: 'Jane D.' } });
  assert.equal(updated.data.name, 'Jane D.');
  const list = await persons.getPersons({ limit: 10 });
  assert.deepEqual(list.data.map((p) => p.id), [id]);
  assert.equal(list.additional_data.next_cursor, null);

  const deleted = await persons.deletePerson({ id });
  assert.equal(deleted.data.id, id);
  // The SDK rejects with the parsed error body.
  await assert.rejects(persons.updatePerson({ id, UpdatePersonRequest: { name: 'x' } }), (err) => {
    assert.equal(err.success, false);
    assert.equal(err.error, 'Entity was not found');
    assert.equal(err.data, null);
    return true;
  });
});

test('organizations and deals: create, get, update, delete', async () => {
  await admin('reset');
  const orgs = new v2.OrganizationsApi(cfg2);
  const deals = new v2.DealsApi(cfg2);
  const org = await orgs.addOrganization({ AddOrganizationRequest: { name: 'Acme' } });
  const deal = await deals.addDeal({ AddDealRequest: { title: 'Loan 7', value: 2500, org_id: org.data.id } });
  assert.equal(deal.data.org_id, org.data.id);
  assert.equal(deal.data.status, 'open');
  const won = await deals.updateDeal({ id: deal.data.id, UpdateDealRequest: { status: 'won' } });
  assert.equal(won.data.status, 'won');
  assert.equal((await deals.getDeal({ id: deal.data.id })).data.title, 'Loan 7');
  const renamed = await orgs.updateOrganization({ id: org.data.id, UpdateOrganizationRequest: { name: 'Acme Ltd' } });
  assert.equal(renamed.data.name, 'Acme Ltd');
  assert.equal((await deals.deleteDeal({ id: deal.data.id })).success, true);
  assert.equal((await orgs.deleteOrganization({ id: org.data.id })).success, true);
  assert.equal((await deals.getDeals({})).data.length, 0);
});

test('pipelines and stages: seeded by --pipeline, created, updated, deleted', async () => {
  await admin('reset');
  const pipelines = new v2.PipelinesApi(cfg2);
  const stages = new v2.StagesApi(cfg2);
  const all = await pipelines.getPipelines();
  assert.deepEqual(all.data.map((p) => p.name), ['Sales pipeline', 'Loans']);
  const loans = all.data[1].id;
  const seeded = await stages.getStages({ pipeline_id: loans });
  assert.deepEqual(seeded.data.map((s) => s.name), ['Application', 'Funded']);
  assert.equal(seeded.additional_data.next_cursor, null);

  const p = await pipelines.addPipeline({ AddPipelineRequest: { name: 'Leases', is_deal_probability_enabled: true } });
  assert.equal(p.success, true);
  assert.equal(p.data.is_deal_probability_enabled, true);
  const s = await stages.addStage({ AddStageRequest: { name: 'Signed', pipeline_id: p.data.id, deal_probability: 90 } });
  assert.equal(s.data.pipeline_id, p.data.id);
  assert.equal(s.data.deal_probability, 90);
  const renamed = await stages.updateStage({ id: s.data.id, UpdateStageRequest: { name: 'Countersigned' } });
  assert.equal(renamed.data.name, 'Countersigned');
  const moved = await pipelines.updatePipeline({ id: p.data.id, UpdatePipelineRequest: { name: 'Leasing' } });
  assert.equal(moved.data.name, 'Leasing');
  const gone = await pipelines.deletePipeline({ id: p.data.id });
  assert.equal(gone.data.id, p.data.id);
  await assert.rejects(stages.getStage({ id: s.data.id }), (err) => {
    assert.equal(err.error, 'Entity was not found');
    return true;
  });
});

test('cursor paging over 3+ pages', async () => {
  await admin('reset');
  const persons = new v2.PersonsApi(cfg2);
  for (let i = 0; i < 7; i++) await persons.addPerson({ AddPersonRequest: { name: `P${i}` } });
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const page = await persons.getPersons({ limit: 2, cursor });
    seen.push(...page.data.map((p) => p.name));
    cursor = page.additional_data.next_cursor || undefined;
    pages++;
  } while (cursor && pages < 10);
  assert.equal(pages, 4);
  assert.deepEqual(seen, ['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
});

test('custom field creation (v2 and v1) and search by custom field', async () => {
  await admin('reset');
  const fields = new v2.PersonFieldsApi(cfg2);
  const field = await fields.addPersonField({
    AddPersonFieldRequest: { field_name: 'Salesforce Contact ID', field_type: 'varchar' },
  });
  const key = field.data.field_code;
  assert.match(key, /^[0-9a-f]{40}$/);
  const v1fields = new v1.PersonFieldsApi(cfg1);
  const tier = await v1fields.addPersonField({
    CreateFieldRequest: { name: 'Tier', field_type: 'enum', options: [{ label: 'Gold' }] },
  });
  assert.match(tier.data.key, /^[0-9a-f]{40}$/);
  assert.equal(tier.data.options[0].label, 'Gold');
  const listed = await v1fields.getPersonFields({});
  assert.ok(listed.data.some((f) => f.key === tier.data.key));

  const persons = new v2.PersonsApi(cfg2);
  await persons.addPerson({ AddPersonRequest: { name: 'Ann', custom_fields: { [key]: '003XYZ' } } });
  await persons.addPerson({ AddPersonRequest: { name: 'Bob', custom_fields: { [key]: '003XY' } } });
  const hits = await persons.searchPersons({ term: '003XYZ', fields: 'custom_fields', exact_match: true });
  assert.equal(hits.data.items.length, 1);
  assert.equal(hits.data.items[0].item.name, 'Ann');
});

test('notes through the v1 client', async () => {
  await admin('reset');
  const person = await new v2.PersonsApi(cfg2).addPerson({ AddPersonRequest: { name: 'Noted' } });
  const notes = new v1.NotesApi(cfg1);
  const note = await notes.addNote({ AddNoteRequest: { content: 'called', person_id: person.data.id } });
  assert.equal(note.data.content, 'called');
  const list = await notes.getNotes({ person_id: person.data.id });
  assert.equal(list.data.length, 1);
  assert.equal(list.additional_data.pagination.more_items_in_collection, false);
});

test('activities: create, list with filters and cursors, get, update, delete', async () => {
  await admin('reset');
  const deal = await new v2.DealsApi(cfg2).addDeal({ AddDealRequest: { title: 'Loan 9' } });
  const activities = new v2.ActivitiesApi(cfg2);
  const created = await activities.addActivity({
    AddActivityRequest: { subject: 'Call borrower', type: 'call', due_date: '2026-12-01', deal_id: deal.data.id },
  });
  assert.equal(created.success, true);
  const id = created.data.id;
  assert.equal(created.data.deal_id, deal.data.id);
  assert.equal(created.data.done, false);
  assert.equal(created.data.is_deleted, false);
  for (let i = 0; i < 4; i++) {
    await activities.addActivity({ AddActivityRequest: { subject: `Task ${i}`, type: 'task' } });
  }
  const done = await activities.updateActivity({ id, AddActivityRequest: { done: true } });
  assert.equal(done.data.done, true);
  assert.ok(done.data.marked_as_done_time);
  const byDeal = await activities.getActivities({ deal_id: deal.data.id, done: true });
  assert.deepEqual(byDeal.data.map((a) => a.id), [id]);
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const page = await activities.getActivities({ limit: 2, cursor });
    seen.push(...page.data.map((a) => a.subject));
    cursor = page.additional_data.next_cursor || undefined;
    pages++;
  } while (cursor && pages < 10);
  assert.equal(pages, 3);
  assert.equal(seen.length, 5);
  assert.equal((await activities.getActivity({ id })).data.subject, 'Call borrower');
  assert.equal((await activities.deleteActivity({ id })).data.id, id);
  assert.equal((await activities.getActivities({})).data.length, 4);
});

test('products: custom field, create, list, update, search, delete', async () => {
  await admin('reset');
  const fields = new v2.ProductFieldsApi(cfg2);
  const field = await fields.addProductField({
    AddProductFieldRequest: { field_name: 'Salesforce Product ID', field_type: 'varchar' },
  });
  const key = field.data.field_code;
  assert.match(key, /^[0-9a-f]{40}$/);
  const products = new v2.ProductsApi(cfg2);
  const created = await products.addProduct({
    AddProductRequest: {
      name: 'Loan Plus', code: 'LP-1', prices: [{ currency: 'EUR', price: 10 }], custom_fields: { [key]: '01tXX1' },
    },
  });
  assert.equal(created.success, true);
  const id = created.data.id;
  assert.equal(created.data.prices[0].price, 10);
  assert.equal(created.data.custom_fields[key], '01tXX1');
  await products.addProduct({ AddProductRequest: { name: 'Basic', code: 'B-1' } });
  const updated = await products.updateProduct({ id, UpdateProductRequest: { name: 'Loan Max' } });
  assert.equal(updated.data.name, 'Loan Max');
  const list = await products.getProducts({ limit: 10 });
  assert.deepEqual(list.data.map((p) => p.name), ['Loan Max', 'Basic']);
  const byCode = await products.searchProducts({ term: 'LP-1', fields: 'code', exact_match: true });
  assert.deepEqual(byCode.data.items.map((h) => h.item.id), [id]);
  const byCustom = await products.searchProducts({ term: '01tXX1', fields: 'custom_fields', exact_match: true });
  assert.deepEqual(byCustom.data.items.map((h) => h.item.id), [id]);
  assert.equal((await products.deleteProduct({ id })).data.id, id);
  assert.equal((await products.getProducts({})).data.length, 1);
});

test('itemSearch across types with related items', async () => {
  await admin('reset');
  const org = await new v2.OrganizationsApi(cfg2).addOrganization({ AddOrganizationRequest: { name: 'Acme Lending' } });
  const person = await new v2.PersonsApi(cfg2).addPerson({ AddPersonRequest: { name: 'Ann Acme', org_id: org.data.id } });
  await new v2.ProductsApi(cfg2).addProduct({ AddProductRequest: { name: 'Acme Plus' } });
  const search = new v2.ItemSearchApi(cfg2);
  const all = await search.searchItem({ term: 'acme' });
  assert.deepEqual(all.data.items.map((h) => h.item.type).sort(), ['organization', 'person', 'product']);
  for (const hit of all.data.items) assert.equal(typeof hit.result_score, 'number');
  const people = await search.searchItem({ term: 'ann acme', item_types: 'person', search_for_related_items: true });
  assert.deepEqual(people.data.items.map((h) => h.item.id), [person.data.id]);
  assert.deepEqual(people.data.related_items.map((h) => [h.item.type, h.item.id]), [['organization', org.data.id]]);
  const page = await search.searchItem({ term: 'acme', limit: 2 });
  assert.equal(page.data.items.length, 2);
  const rest = await search.searchItem({ term: 'acme', limit: 2, cursor: page.additional_data.next_cursor });
  assert.equal(rest.data.items.length, 1);
  assert.equal(rest.additional_data.next_cursor, null);
});

test('OAuth: consent, authorize, Bearer calls, refresh', async () => {
  await admin('reset');
  const redirectUri = 'http://127.0.0.1:9/callback';
  const oauth = new v2.OAuth2Configuration({
    clientId: process.env.PIPEDRIVE_CLIENT_ID || 'demo-client',
    clientSecret: process.env.PIPEDRIVE_CLIENT_SECRET || 'demo-secret',
    redirectUri,
    host: root,
  });
  // The user opens the authorization URL and allows access in its form.
  const page = await fetch(oauth.authorizationUrl + '&state=s1');
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form method="post" action="\/oauth\/authorize">/);
  const consent = await fetch(`${root}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: oauth.clientId, redirect_uri: redirectUri, state: 's1', decision: 'allow' }),
  });
  assert.equal(consent.status, 302);
  const location = new URL(consent.headers.get('location'));
  assert.equal(location.searchParams.get('state'), 's1');
  const token = await oauth.authorize(location.searchParams.get('code'));
  assert.equal(token.token_type, 'Bearer');
  assert.equal(token.expires_in, 3599);
  assert.equal(oauth.basePath, `${root}/api/v2`);  // from api_domain
  const persons = new v2.PersonsApi(oauth);
  const created = await persons.addPerson({ AddPersonRequest: { name: 'OAuth Ann' } });
  assert.equal(created.data.name, 'OAuth Ann');

  const before = oauth.accessToken;
  const refreshed = await oauth.tokenRefresh();
  assert.notEqual(refreshed.access_token, before);
  assert.equal(oauth.accessToken, refreshed.access_token);
  assert.equal((await persons.getPersons({})).data.length, 1);
  // A code is exchanged once; the SDK rejects with the error body.
  await assert.rejects(oauth.authorize(location.searchParams.get('code')), (err) => {
    assert.equal(err.message, 'Invalid grant: authorization_code is invalid');
    return true;
  });
});

test('429 with rate limit headers when the burst is exceeded', async () => {
  await admin('reset');
  await admin('limits', { burst_limit: 3 });
  try {
    const persons = new v2.PersonsApi(cfg2);
    for (let i = 0; i < 3; i++) await persons.getPersons({});
    // The SDK rejects with the error body only ...
    await assert.rejects(persons.getPersons({}), (err) => {
      assert.equal(err.success, false);
      assert.equal(err.error, 'Request over limit');
      return true;
    });
    // ... so the status and headers are read by a plain request in the same window.
    const res = await fetch(`${root}/api/v2/persons`, { headers: { 'x-api-token': token } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-ratelimit-limit'), '3');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    assert.ok(reset >= 1 && reset <= 2, `x-ratelimit-reset ${reset}`);
  } finally {
    await admin('limits', { burst_limit: 0 });
  }
});
