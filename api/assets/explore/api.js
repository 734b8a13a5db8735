// Talking to the API: POSTs one GraphQL operation to /graphql (same origin,
// JSON) and turns every failure into an ApiError; builds the playground
// links that open an operation with its variables.

import { $ } from './dom.js';

const ENDPOINT = '/graphql';
const PLAYGROUND = '/';

// Every errors[] entry of an answer (message, extensions.code, path), or one
// made up here for an answer that is not GraphQL or never came.
export class ApiError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ApiError';
    this.errors = errors;
  }
}

function httpLine(response) {
  return `HTTP ${response.status} ${response.statusText}`;
}

// Resolves with the answer's `data`; rejects with an ApiError.
export function gql(query, variables) {
  const request = fetch(ENDPOINT, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'Accept': 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify({ query, variables }),
    credentials: 'same-origin',
  });
  return request.then(
    (response) => response.text().then((text) => {
      let body;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new ApiError([{ message: `${httpLine(response)} (the answer is not JSON): ${text.slice(0, 300)}` }]);
      }
      if (body.errors && body.errors.length > 0) throw new ApiError(body.errors);
      if (!response.ok || !body.data) throw new ApiError([{ message: `${httpLine(response)} without data` }]);
      return body.data;
    }),
    (err) => {
      throw new ApiError([{ message: `Could not reach the API: ${err.message}`, extensions: { code: 'NETWORK' } }]);
    },
  );
}

// The playground holding exactly this operation and its variables
// (api/assets/playground/start.js reads these parameters).
export function playgroundHref(query, variables) {
  return `${PLAYGROUND}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;
}

// Points the "query" link with this id at the operation behind its view.
export function setQueryLink(id, query, variables) {
  $(id).href = playgroundHref(query, variables);
}
