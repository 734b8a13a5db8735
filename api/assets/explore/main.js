// The explorer's entry module: search the knowledge base, open an entity,
// see its relations as of a day drawn as a network (cytoscape.js) and its
// cited timeline. Plain JavaScript modules, no build step; everything comes
// from the public GraphQL API at /graphql (same origin, POST JSON), and the
// URL holds the state: /explore?entity=nato&date=2008-09-01
//
// This module wires the views together and follows the URL:
//   api.js        requests to /graphql, playground links
//   queries.js    the four GraphQL operations
//   state.js      the page's state and the URL
//   dates.js      days and fuzzy dates in words
//   dom.js        element helpers
//   messages.js   the message area (errors and notices)
//   search.js     the search panel
//   entity.js     the open entity, its profile and the date control
//   relations.js  each relation's status that day, the relations table
//   network.js    the cytoscape view
//   timeline.js   the timeline
//   citations.js  a timeline entry's citations

import { setQueryLink } from './api.js';
import { $ } from './dom.js';
import { openEntity, setupDate, showDate, showIntro } from './entity.js';
import { setupGraph } from './network.js';
import { ENTITY_QUERY, RELATIONS_FIRST, TIMELINE_FIRST, TIMELINE_QUERY } from './queries.js';
import { setupSearch } from './search.js';
import { DEFAULT_DATE, readUrl, state } from './state.js';

// Shows what the URL asks for (on load, and on Back and Forward).
function restoreFromUrl() {
  const wanted = readUrl();
  state.date = wanted.date || state.date || DEFAULT_DATE;
  showDate(state.date);
  if (wanted.entity) {
    openEntity(wanted.entity, { push: false });
  } else {
    state.slug = null;
    showIntro();
  }
}

function start() {
  if (!window.fetch || !window.URLSearchParams) {
    $('messages').hidden = false;
    $('messages').textContent = 'This browser is too old for the explorer.';
    return;
  }
  setupSearch(openEntity);
  setupDate();
  setupGraph(openEntity);
  setQueryLink('network-query-link', ENTITY_QUERY, { slug: '', asOf: state.date, first: RELATIONS_FIRST });
  setQueryLink('timeline-query-link', TIMELINE_QUERY, { slug: '', first: TIMELINE_FIRST });
  window.addEventListener('popstate', restoreFromUrl);
  restoreFromUrl();
  if (!state.slug) $('search-input').focus();
}

start();
