#!/usr/bin/env python3
"""Three research questions answered through the knowledge base's GraphQL API.

    python3 examples/research.py [--url http://127.0.0.1:8000] [--day 2008-09-01]

Standard library only. Start the server first (`cargo run --release -p api`).

1. The NATO-Russia Council's history, each period with its sources.
2. Every relation of Georgia whose status changed in August 2008.
3. The shortest chain of relations from NATO to Abkhazia on a day.

Dates are printed as the sources give them (EDTF: "2008-08" is August 2008,
not a day in it).
"""

import argparse
import json
import sys
import urllib.error
import urllib.request


def graphql(url, query, variables=None):
    """POSTs one query; returns its data, or exits with the API's errors."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        url + "/graphql",
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
    except urllib.error.URLError as e:
        sys.exit(f"cannot reach the API at {url}: {e}")
    if answer.get("errors"):
        for error in answer["errors"]:
            code = error.get("extensions", {}).get("code", "?")
            print(f"API error {code}: {error['message']}", file=sys.stderr)
        sys.exit(1)
    return answer["data"]


def span(period):
    start = period["from"]["edtf"] if period["from"] else "unknown start"
    end = period["to"]["edtf"] if period["to"] else "open"
    return f"{start} .. {end}"


COUNCIL = """
query Council {
  relations(between: ["nato", "russia"], type: "council", first: 5) {
    edges { node {
      label
      history(first: 50) {
        status from { edtf } to { edtf }
        citations(first: 10) { quote article { title publisher publishedAt url } }
      }
    } }
  }
}"""


def council_history(url):
    print("1. The NATO-Russia Council, period by period, with its sources")
    edges = graphql(url, COUNCIL)["relations"]["edges"]
    if not edges:
        print("   (no council between NATO and Russia is recorded)")
    for edge in edges:
        relation = edge["node"]
        print(f"   {relation['label']}")
        for period in relation["history"]:
            print(f"   - {period['status']:<9} {span(period)}")
            for c in period["citations"]:
                a = c["article"]
                quote = f'"{c["quote"]}"' if c["quote"] else "(no quote)"
                print(f"       {quote}")
                print(f"         {a['publisher']}, {a['title']}, {a['publishedAt'][:10]}")


GEORGIA = """
query Georgia($from: Date!, $to: Date!) {
  entity(slug: "georgia") {
    name
    timeline(from: $from, to: $to, first: 100) {
      kind date { edtf earliest latest }
      relation { label source { name } target { name } }
      title
    }
  }
}"""


def georgia_in_august(url):
    print("2. Relations of Georgia whose status changed in August 2008")
    data = graphql(url, GEORGIA, {"from": "2008-08-01", "to": "2008-08-31"})["entity"]
    # Each article's account of a change is its own period, so one change
    # told by several articles appears once per account: count them.
    changes = {}
    for e in data["timeline"]:
        if e["kind"] == "STATUS_CHANGE":
            key = (e["date"]["edtf"], e["title"])
            changes.setdefault(key, [e, 0])[1] += 1
    if not changes:
        print("   (none recorded)")
    for entry, accounts in changes.values():
        r = entry["relation"]
        date = entry["date"]
        when = date["edtf"]
        if date["earliest"] != date["latest"]:
            when += f" (some day {date['earliest']}..{date['latest']})"
        told = f", {accounts} accounts" if accounts > 1 else ""
        print(f"   - {when}: {entry['title']}  [{r['source']['name']} -> {r['target']['name']}{told}]")


PATH = """
query Chain($day: Date!) {
  path(from: "nato", to: "abkhazia", asOf: $day, maxDepth: 4) {
    label type source { slug name } target { slug name }
    statusOn(asOf: $day) { status certain }
  }
}"""


def chain(url, day):
    print(f"3. The shortest chain from NATO to Abkhazia on {day}")
    steps = graphql(url, PATH, {"day": day})["path"]
    if steps is None:
        print("   (no chain of at most 4 relations holds that day)")
        return
    here = "nato"
    for i, step in enumerate(steps, 1):
        s = step["statusOn"]
        status = s["status"] + ("" if s["certain"] else ", not certain") if s else "no status"
        ends = (step["source"], step["target"]) if step["source"]["slug"] == here else (step["target"], step["source"])
        print(f"   {i}. {ends[0]['name']} -- {step['label']} ({step['type']}, {status}) -- {ends[1]['name']}")
        here = ends[1]["slug"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the API is served")
    parser.add_argument("--day", default="2008-09-01", help="the day of question 3 (YYYY-MM-DD)")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    council_history(url)
    print()
    georgia_in_august(url)
    print()
    chain(url, args.day)


if __name__ == "__main__":
    main()
