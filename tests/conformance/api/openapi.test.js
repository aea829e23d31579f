// docs/openapi.yaml against the real API (run.sh starts what is needed):
//   - the file is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator);
//   - CRMSYNC_API_URL + CRMSYNC_API_TOKEN: a running `crmsync serve` is
//     driven through every endpoint (successes and refusals) and each answer
//     is validated against the schema of its operation and status (Ajv,
//     JSON Schema 2020-12, the dialect of OpenAPI 3.1);
//   - CRMSYNC_API_RECORDED: a file of answers the C++ API tests recorded
//     (one JSON object a line: method, path, status, content_type, body, or
//     event for an SSE event's data), validated the same way.
// Every operation must have been seen answering its success status.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const Ajv2020 = require('ajv/dist/2020');
const addFormats = require('ajv-formats');
const { Validator } = require('@seriousme/openapi-schema-validator');

const specFile = path.join(__dirname, '..', '..', '..', 'docs', 'openapi.yaml');
const specText = fs.readFileSync(specFile, 'utf8');
const spec = YAML.parse(specText);
const SPEC_ID = 'https://crmsync.invalid/openapi.json';

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

function pointer(...parts) {
  return '#/' + parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
function resolve(obj) {
  while (obj && obj.$ref) {
    obj = obj.$ref.slice(2).split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o, k) => o[k], spec);
  }
  return obj;
}

// The operation a request path belongs to: [template, method] or null.
function operationOf(method, urlPath) {
  const bare = urlPath.split('?')[0];
  for (const template of Object.keys(spec.paths)) {
    const re = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$');
    if (re.test(bare) && spec.paths[template][method.toLowerCase()]) return [template, method.toLowerCase()];
  }
  return null;
}

const seen = new Set();  // "get /api/v1/runs 200"

// Validates one answer; throws with the reasons when it does not conform.
function check({ method, path: urlPath, status, content_type: contentType, body, event }) {
  const op = operationOf(method, urlPath);
  assert.ok(op, `${method} ${urlPath}: no operation in openapi.yaml`);
  const [template, verb] = op;
  const responses = spec.paths[template][verb].responses;
  const response = resolve(responses[String(status)]);
  assert.ok(response, `${method} ${urlPath}: status ${status} is not documented`);
  const types = Object.keys(response.content || {});
  if (event !== undefined) {
    const media = response.content['text/event-stream'];
    assert.ok(media, `${template}: no event stream`);
    const validate = ajv.getSchema(SPEC_ID + pointer('paths', template, verb, 'responses', String(status),
      'content', 'text/event-stream', 'x-event-data'));
    const data = JSON.parse(event);
    assert.ok(validate(data), `${template} event ${event}: ${ajv.errorsText(validate.errors)}`);
    seen.add(`${verb} ${template} ${status}`);
    return;
  }
  const base = (contentType || '').split(';')[0].trim();
  const type = types.find((t) => t === contentType) || types.find((t) => t.split(';')[0].trim() === base);
  assert.ok(type, `${method} ${urlPath} ${status}: content type '${contentType}' not in [${types}]`);
  const raw = responses[String(status)];
  // The HTTP server's own refusals (413) say application/json without a charset.
  if (base === 'application/json' && raw.$ref !== '#/components/responses/TooLarge') {
    assert.equal(contentType, base + '; charset=utf-8', `${method} ${urlPath}: charset`);
  }
  let schemaRef;
  if (raw.$ref) {
    schemaRef = raw.$ref + pointer('content', type, 'schema').slice(1);
  } else {
    schemaRef = pointer('paths', template, verb, 'responses', String(status), 'content', type, 'schema');
  }
  const validate = ajv.getSchema(SPEC_ID + schemaRef);
  assert.ok(validate, `no schema at ${schemaRef}`);
  const value = base === 'application/json' ? JSON.parse(body) : body;
  assert.ok(validate(value),
    `${method} ${urlPath} ${status}: ${ajv.errorsText(validate.errors)}\n${String(body).slice(0, 600)}`);
  seen.add(`${verb} ${template} ${status}`);
}

function successStatuses() {
  const out = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [verb, op] of Object.entries(item)) {
      if (!op || !op.responses) continue;
      const ok = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      for (const s of ok) out.push(`${verb} ${template} ${s}`);
    }
  }
  return out;
}

test('docs/openapi.yaml is valid OpenAPI 3.1', async () => {
  const validator = new Validator();
  const result = await validator.validate(specText);
  assert.equal(validator.version, '3.1');
  assert.ok(result.valid, JSON.stringify(result.errors, null, 1));
  // The validator does catch a broken file (the test can fail).
  const broken = await new Validator().validate(specText.replace('openapi: 3.1.0', 'openapi: 3.1.0\nbogus: 1'));
  assert.equal(broken.valid, false);
});

test('a schema mismatch is caught', () => {
  assert.throws(() => check({ method: 'GET', path: '/healthz', status: 200,
    content_type: 'application/json; charset=utf-8', body: '{"status":"fine"}' }));
  assert.throws(() => check({ method: 'GET', path: '/api/v1/runs/1', status: 200,
    content_type: 'application/json; charset=utf-8', body: '{"id":1}' }));
});

const recorded = process.env.CRMSYNC_API_RECORDED;
test('the answers recorded by the C++ API tests conform', { skip: !recorded && 'CRMSYNC_API_RECORDED not set' }, () => {
  const lines = fs.readFileSync(recorded, 'utf8').split('\n').filter(Boolean);
  assert.ok(lines.length > 50, `only ${lines.length} recorded answers`);
  const failures = [];
  let skipped = 0;
  for (const line of lines) {
    const answer = JSON.parse(line);
    // Refusals of the HTTP server itself for undocumented paths (the 404 of
    // an unknown route) have no operation to check against.
    if (!operationOf(answer.method, answer.path)) { skipped++; continue; }
    try { check(answer); } catch (e) { failures.push(e.message); }
  }
  assert.deepEqual(failures, []);
  assert.ok(skipped < lines.length / 4, `${skipped} of ${lines.length} answers had no operation`);
});

const baseUrl = process.env.CRMSYNC_API_URL;
const token = process.env.CRMSYNC_API_TOKEN;

async function call(method, urlPath, body, auth = true) {
  const headers = {};
  if (auth) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(baseUrl + urlPath, { method, headers, body });
  const text = await res.text();
  const answer = { method, path: urlPath, status: res.status, content_type: res.headers.get('content-type'), body: text };
  check(answer);
  return { ...answer, json: (res.headers.get('content-type') || '').startsWith('application/json') ? JSON.parse(text) : null, headers: res.headers };
}

async function events(urlPath) {
  const res = await fetch(baseUrl + urlPath, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
  const text = await res.text();  // an ended run: the end event, then the stream closes
  const datas = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  for (const d of datas) check({ method: 'GET', path: urlPath, status: 200, event: d });
  return text;
}

async function waitFor(pred, what) {
  for (let i = 0; i < 600; i++) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('every answer of a running crmsync serve conforms', { skip: !baseUrl && 'CRMSYNC_API_URL not set' }, async () => {
  await call('GET', '/healthz', undefined, false);
  await call('GET', '/readyz', undefined, false);
  const metrics = await call('GET', '/metrics', undefined, false);
  assert.match(metrics.body, /# TYPE crmsync_/);

  const flows = await call('GET', '/api/v1/flows');
  assert.ok(flows.json.flows.length > 0);
  const flow = flows.json.flows[0].name;
  await call('GET', '/api/v1/connections');
  const inbox = await call('GET', '/api/v1/inbox');
  assert.deepEqual(inbox.json, { flows: [], rejected: [] });
  const version = await call('GET', '/api/v1/version');
  assert.match(version.json.version, /^\d+\.\d+\.\d+$/);
  assert.ok(version.json.libraries.libcurl, 'libcurl version');

  const ids = [];
  for (let i = 0; i < 3; i++) {
    const q = await call('POST', '/api/v1/runs', JSON.stringify({ flows: [flow] }));
    assert.equal(q.status, 202);
    ids.push(q.json.id);
  }
  for (const id of ids) {
    await waitFor(async () => {
      const r = await call('GET', `/api/v1/runs/${id}`);
      return !['queued', 'running'].includes(r.json.status);
    }, `run ${id} to end`);
  }
  const last = ids[ids.length - 1];
  let next = '/api/v1/runs?limit=2';
  const listed = [];
  while (next) {
    const page = await call('GET', next);
    listed.push(...page.json.runs.map((r) => r.id));
    next = page.json.next;
  }
  assert.equal(new Set(listed).size, listed.length);
  await call('GET', `/api/v1/runs?flow=${encodeURIComponent(flow)}&status=succeeded`);
  await call('GET', `/api/v1/runs/${last}/errors?limit=10`);
  const ended = await events(`/api/v1/runs/${last}/events`);
  assert.match(ended, /event: end/);
  const retry = await call('POST', `/api/v1/runs/${last}/retry`);
  assert.equal(retry.status, 202);
  // A run queued and cancelled at once, or stopped while running.
  const doomed = await call('POST', '/api/v1/runs', JSON.stringify({ flows: [flow], full: true }));
  const cancel = await call('POST', `/api/v1/runs/${doomed.json.id}/cancel`);
  assert.ok([202, 409].includes(cancel.status));
  const again = await call('POST', `/api/v1/runs/${last}/cancel`);
  assert.equal(again.status, 409);

  // Refusals.
  assert.equal((await call('GET', '/api/v1/runs', undefined, false)).status, 401);
  assert.equal((await call('POST', '/api/v1/runs', '{"flows": [')).status, 400);
  assert.equal((await call('POST', '/api/v1/runs', '{"flow": ["x"]}')).status, 400);
  const unknown = await call('POST', '/api/v1/runs', '{"flows": ["no-such-flow"]}');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.field, 'flows[0]');
  assert.equal((await call('GET', '/api/v1/runs?limit=0')).status, 400);
  assert.equal((await call('GET', '/api/v1/runs/999999')).status, 404);
  assert.equal((await call('GET', '/api/v1/runs/999999/errors')).status, 404);
  assert.equal((await call('POST', '/api/v1/runs/999999/cancel')).status, 404);
  assert.equal((await call('POST', '/api/v1/runs/999999/retry')).status, 404);
  const big = JSON.stringify({ params: { x: 'y'.repeat(70 * 1024) } });
  assert.equal((await call('POST', '/api/v1/runs', big)).status, 413);

  // One failed record retried (leads fail the warehouse's CHECK), a dry
  // run, the runs of a time span.
  const leads = await call('POST', '/api/v1/runs', JSON.stringify({ flows: ['leads'] }));
  await waitFor(async () => (await call('GET', `/api/v1/runs/${leads.json.id}`)).json.ended_at !== null,
    'the leads run to end');
  const errors = await call('GET', `/api/v1/runs/${leads.json.id}/errors`);
  assert.ok(errors.json.errors.length > 0);
  const one = await call('POST', `/api/v1/errors/${errors.json.errors[0].id}/retry`);
  assert.equal(one.status, 202);
  assert.equal((await call('POST', '/api/v1/errors/999999/retry')).status, 404);
  const plan = await call('POST', '/api/v1/plan?diffs=3', JSON.stringify({ flows: [flow], full: true }));
  assert.equal(plan.status, 200);
  assert.equal(plan.json.flows[0].flow, flow);
  assert.equal((await call('POST', '/api/v1/plan', '{"flows": ["no-such-flow"]}')).status, 400);
  const span = (ms) => encodeURIComponent(new Date(Date.now() + ms).toISOString());
  const dated = await call('GET', `/api/v1/runs?limit=2&from=${span(-3600e3)}&to=${span(3600e3)}`);
  assert.ok(dated.json.runs.length > 0);
  assert.match(dated.json.next, /&from=.*&to=/);
  assert.equal((await call('GET', '/api/v1/runs?from=yesterday')).status, 400);

  // Connect and Disconnect through the Pipedrive sandbox's OAuth app: its
  // consent page sends the browser to serve's /oauth/callback.
  const begun = await call('POST', '/api/v1/connections/pd/connect');
  assert.equal(begun.status, 200);
  const authorize = new URL(begun.json.authorize_url);
  const consent = await fetch(`${authorize.origin}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    body: new URLSearchParams({
      client_id: authorize.searchParams.get('client_id'),
      redirect_uri: authorize.searchParams.get('redirect_uri'),
      state: authorize.searchParams.get('state'),
      decision: 'allow',
    }),
  });
  assert.equal(consent.status, 302);
  const back = await fetch(consent.headers.get('location'));
  assert.equal(back.status, 200);
  assert.match(await back.text(), /connected=pd/);
  const connected = await call('GET', '/api/v1/connections');
  assert.equal(connected.json.connections.find((c) => c.name === 'pd').connected, true);
  const gone = await call('POST', '/api/v1/connections/pd/disconnect');
  assert.equal(gone.status, 200);
  assert.equal(gone.json.revocation, 'revoked');
  assert.equal((await call('POST', '/api/v1/connections/nope/connect')).status, 404);
  assert.equal((await call('POST', '/api/v1/connections/crm/disconnect')).status, 400);
});

test('every operation was seen answering its success status', { skip: !baseUrl && !recorded && 'no answers to check' }, () => {
  const missing = successStatuses().filter((s) => !seen.has(s)
    // 503 of readyz is a success status only in name; 200 is required.
    && !s.endsWith(' 503'));
  assert.deepEqual(missing, []);
});
