"""Python's gql against a running server, as a researcher's script would use
it: a query, a paginated walk, a persisted query (Apollo's protocol, by
hand), a batch (execute_batch), a subscription over graphql-transport-ws that
sees an ingest, and an error case.

    KB_URL=http://127.0.0.1:PORT KB_TOKEN=... python gql_client.py
"""

import asyncio
import hashlib
import json
import os
import time
import urllib.request

from gql import Client, gql
from gql.graphql_request import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.requests import RequestsHTTPTransport
from gql.transport.websockets import WebsocketsTransport

BASE = os.environ["KB_URL"]
TOKEN = os.environ["KB_TOKEN"]
URL = BASE + "/graphql"
passed = 0


def check(name):
    def wrap(body):
        global passed
        body()
        passed += 1
        print(f"ok - {name}")
        return body

    return wrap


def client(**options):
    return Client(transport=RequestsHTTPTransport(url=URL, **options), fetch_schema_from_transport=False)


@check("a query")
def _():
    data = client().execute(gql('{ entity(slug: "nato") { name kind } }'))
    assert data == {"entity": {"name": "NATO", "kind": "ORGANISATION"}}, data


@check("a paginated walk over every relation")
def _():
    page = gql(
        """query($after: String) { relations(first: 6, after: $after) {
             totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }"""
    )
    c, seen, after = client(), [], None
    while True:
        data = c.execute(page, variable_values={"after": after})["relations"]
        seen += [e["node"]["id"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == data["totalCount"] > 6, (len(seen), data["totalCount"])


@check("a persisted query: the hash alone, once the text is known")
def _():
    query = '{ entity(slug: "georgia") { name } }'
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    def post(body):
        request = urllib.request.Request(URL, json.dumps(body).encode(), {"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request))

    unknown = post({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}})
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND", unknown
    assert post({"query": query, "extensions": extensions})["data"]["entity"]["name"] == "Georgia"
    assert post({"extensions": extensions})["data"]["entity"]["name"] == "Georgia"


@check("a batch: three queries in one request")
def _():
    c = client()
    query = gql("query($s: String!) { entity(slug: $s) { name } }")
    with c as session:
        answers = session.execute_batch(
            [GraphQLRequest(query, variable_values={"s": s}) for s in ("nato", "russia", "georgia")]
        )
    assert [a["entity"]["name"] for a in answers] == ["NATO", "Russia", "Georgia"], answers


@check("an error: its code and its path")
def _():
    try:
        client().execute(gql('{ entity(slug: "nato") { name relations(asOf: "2008-13-45") { totalCount } } }'))
    except TransportQueryError as e:
        error = e.errors[0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["path"] == ["entity", "relations"], error
        assert e.data == {"entity": None}, e.data
    else:
        raise AssertionError("no error")


@check("a subscription sees an ingest")
def _():
    key = f"gql-test-{int(time.time() * 1000)}"
    bundle = f"""[article]
key = "{key}"
title = "A gql test"
publisher = "Test"
published_at = "2008-11-01T00:00:00Z"

[[relations]]
key = "{key}-presence"
type = "presence"
label = "{key}"
source = "osce"
target = "abkhazia"
cite = "observers"
"""

    async def run():
        transport = WebsocketsTransport(
            url=URL.replace("http", "ws", 1),
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"Authorization": f"Bearer {TOKEN}"},
        )
        async with Client(transport=transport) as session:
            changes = session.subscribe(
                gql('subscription { changes(entities: ["abkhazia"]) { author subject { ... on Relation { label } } } }')
            )
            first = asyncio.ensure_future(changes.__anext__())
            await asyncio.sleep(0.3)
            ingest = await session.execute(
                gql("mutation($t: String!) { ingestBundle(toml: $t) { created } }"), variable_values={"t": bundle}
            )
            assert ingest["ingestBundle"]["created"] >= 1, ingest
            change = await asyncio.wait_for(first, 10)
            assert change["changes"]["subject"]["label"] == key, change
            assert change["changes"]["author"] == "client-test", change

    asyncio.run(run())


print(f"{passed} passed, 0 failed")
