// Apollo Client 4 and graphql-ws against a running server, as a dashboard
// would use them: a query through the normalised cache with possibleTypes,
// a paginated walk, a persisted query, a batch (BatchHttpLink), a
// subscription authenticated in connection_init that sees an ingest, an
// error with errorPolicy "all"; then the graphql-http audit.
//
//   KB_URL=http://127.0.0.1:PORT KB_TOKEN=... node apollo.test.mjs
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { BatchHttpLink } from "@apollo/client/link/batch-http";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { createClient } from "graphql-ws";
import { auditServer } from "graphql-http";
import WebSocket from "ws";

const base = process.env.KB_URL;
const token = process.env.KB_TOKEN;
assert.ok(base && token, "set KB_URL and KB_TOKEN");
const uri = `${base}/graphql`;

let requests = 0;
const counting = (url, init) => {
  requests += 1;
  return fetch(url, init);
};

const possibleTypes = await (await fetch(`${base}/graphql/possible-types.json`)).json();
const cache = () => new InMemoryCache({ possibleTypes });
const client = new ApolloClient({ link: new HttpLink({ uri, fetch: counting }), cache: cache() });
let passed = 0;
const check = async (name, body) => {
  await body();
  passed += 1;
  console.log(`ok - ${name}`);
};

await check("a query through the cache, fragments on an interface", async () => {
  const { data } = await client.query({
    query: gql`query Nato { entity(slug: "nato") { id slug ... on Entity { name } ... on Organisation { kind } } }`,
  });
  assert.equal(data.entity.name, "NATO");
  assert.equal(data.entity.kind, "ORGANISATION");
  // The node is normalised under its id and read back from the cache.
  const again = await client.query({ query: gql`query Nato { entity(slug: "nato") { id slug ... on Entity { name } ... on Organisation { kind } } }` });
  assert.equal(again.data.entity.id, data.entity.id);
});

await check("a paginated walk over every relation", async () => {
  const page = gql`query Page($after: String) { relations(first: 7, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id label } } } }`;
  const seen = new Set();
  let after = null;
  let total = 0;
  for (;;) {
    const { data } = await client.query({ query: page, variables: { after }, fetchPolicy: "network-only" });
    total = data.relations.totalCount;
    for (const edge of data.relations.edges) {
      assert.ok(!seen.has(edge.node.id), `repeated ${edge.node.label}`);
      seen.add(edge.node.id);
    }
    if (!data.relations.pageInfo.hasNextPage) break;
    after = data.relations.pageInfo.endCursor;
  }
  assert.ok(total > 7);
  assert.equal(seen.size, total);
});

await check("a persisted query: the hash first, the text once", async () => {
  const sha256 = (text) => createHash("sha256").update(text).digest("hex");
  let sent = 0;
  const link = new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri, fetch: (url, init) => { sent += 1; return fetch(url, init); } }),
  );
  const persisted = new ApolloClient({ link, cache: cache() });
  const query = gql`query Georgia { entity(slug: "georgia") { name } }`;
  const first = await persisted.query({ query, fetchPolicy: "network-only" });
  assert.equal(first.data.entity.name, "Georgia");
  const before = sent;
  const second = await persisted.query({ query, fetchPolicy: "network-only" });
  assert.equal(second.data.entity.name, "Georgia");
  assert.equal(sent - before, 1, "known by its hash: one request");
});

await check("a batch: three queries in one request", async () => {
  const before = requests;
  const batching = new ApolloClient({
    link: new BatchHttpLink({ uri, fetch: counting, batchMax: 10, batchInterval: 20 }),
    cache: cache(),
  });
  const names = await Promise.all(
    ["nato", "russia", "georgia"].map((slug) =>
      batching.query({ query: gql`query One($slug: String!) { entity(slug: $slug) { name } }`, variables: { slug } }),
    ),
  );
  assert.deepEqual(names.map((r) => r.data.entity.name), ["NATO", "Russia", "Georgia"]);
  assert.equal(requests - before, 1);
});

await check("an error with errorPolicy all: partial data and the path", async () => {
  const { data, error } = await client.query({
    query: gql`query Bad { ok: entity(slug: "nato") { name } bad: entity(slug: "georgia") { name relations(asOf: "2008-13-45") { totalCount } } }`,
    errorPolicy: "all",
    fetchPolicy: "network-only",
  });
  assert.equal(data.ok.name, "NATO");
  assert.equal(data.bad, null);
  const first = error.errors[0];
  assert.deepEqual(first.path, ["bad", "relations"]);
  assert.equal(first.extensions.code, "BAD_USER_INPUT");
});

await check("a subscription sees an ingest made over the same socket", async () => {
  const ws = createClient({
    url: uri.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
  });
  const key = `client-test-${Date.now()}`;
  const seen = new Promise((resolve, reject) => {
    ws.subscribe(
      { query: `subscription { changes(entities: ["abkhazia"]) { action author subject { ... on Relation { label } } } }` },
      { next: (m) => resolve(m), error: reject, complete: () => reject(new Error("completed early")) },
    );
  });
  await new Promise((r) => setTimeout(r, 300));
  const bundle = `[article]
key = "${key}"
title = "A client test"
publisher = "Test"
published_at = "2008-11-01T00:00:00Z"

[[relations]]
key = "${key}-presence"
type = "presence"
label = "${key}"
source = "osce"
target = "abkhazia"
cite = "observers"
`;
  const ingest = await new Promise((resolve, reject) => {
    ws.subscribe(
      { query: "mutation($t: String!) { ingestBundle(toml: $t) { created } }", variables: { t: bundle } },
      { next: resolve, error: reject, complete: () => {} },
    );
  });
  assert.ok(!ingest.errors, JSON.stringify(ingest.errors));
  assert.ok(ingest.data.ingestBundle.created >= 1);
  const change = await seen;
  assert.equal(change.data.changes.author, "client-test");
  assert.equal(change.data.changes.subject.label, key);
  await ws.dispose();
});

await check("the graphql-http audit: every MUST holds", async () => {
  const results = await auditServer({ url: uri });
  const failed = results.filter((r) => r.status === "error" || (r.status === "warn" && r.name.startsWith("MUST")));
  for (const r of results.filter((r) => r.status !== "ok")) {
    console.log(`  # ${r.status}: ${r.name}${r.reason ? ` (${r.reason})` : ""}`);
  }
  assert.deepEqual(failed.map((r) => r.name), []);
  console.log(`  # ${results.filter((r) => r.status === "ok").length} of ${results.length} audits ok`);
});

console.log(`${passed} passed, 0 failed`);
