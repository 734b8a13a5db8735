// The explorer's four GraphQL operations and how many items each asks for.
// Each view's "query" link opens its own operation in the playground, so
// these texts are also what a reader sees there.

export const SEARCH_FIRST = 20;
export const RELATIONS_FIRST = 100;
export const TIMELINE_FIRST = 100;
export const CITATIONS_FIRST = 10;

// Every FuzzyDate is asked for with the same fields (see dates.js).
const FUZZY_FIELDS = 'edtf earliest latest precision approximate uncertain';

export const SEARCH_QUERY = `query ExplorerSearch($text: String!, $first: Int!) {
  search(text: $text, first: $first) {
    slug
    name
    kind
    category
  }
}`;

// The profile, and every relation that holds on `asOf` with its status that day.
export const ENTITY_QUERY = `query ExplorerEntity($slug: String!, $asOf: Date!, $first: Int!) {
  entity(slug: $slug) {
    slug
    name
    kind
    category
    aliases
    description
    externalIds { scheme value url }
    relations(asOf: $asOf, first: $first) {
      totalCount
      edges {
        node {
          id
          label
          type
          symmetric
          source { slug name kind }
          target { slug name kind }
          statusOn(asOf: $asOf) {
            status
            certain
            possible
            period { ...period }
          }
        }
      }
    }
  }
}

fragment period on StatusPeriod {
  status
  from { ${FUZZY_FIELDS} }
  to { ${FUZZY_FIELDS} }
  recordedAt
}`;

// The timeline without its citations: those are fetched per entry, on demand.
export const TIMELINE_QUERY = `query ExplorerTimeline($slug: String!, $first: Int!) {
  entity(slug: $slug) {
    slug
    timeline(first: $first) {
      date { ${FUZZY_FIELDS} }
      kind
      title
      relation { id label }
      event { id }
      statement { id speaker { slug name } }
    }
  }
}`;

// The citations behind one timeline entry (a relation, event or statement).
export const CITATIONS_QUERY = `query ExplorerCitations($id: ID!, $first: Int!) {
  node(id: $id) {
    __typename
    ... on Relation {
      label
      history {
        status
        from { ${FUZZY_FIELDS} }
        to { ${FUZZY_FIELDS} }
        citations(first: $first) { ...citation }
      }
    }
    ... on Event {
      title
      summary
      citations(first: $first) { ...citation }
    }
    ... on Statement {
      summary
      quote
      speaker { name }
      citations(first: $first) { ...citation }
    }
  }
}

fragment citation on Citation {
  quote
  article { title publisher publishedAt url }
}`;
