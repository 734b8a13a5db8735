// What the page shows, and the URL that holds it:
//   /explore?entity=nato&date=2008-09-01
// Opening another entity pushes a history entry; moving the date replaces it.

import { isDay } from './dates.js';

export const DEFAULT_DATE = '2008-09-01';

export const state = {
  slug: null,        // the open entity
  date: DEFAULT_DATE,
  entity: null,      // the last ExplorerEntity answer's entity
  relations: [],     // [{ relation, other, answer, short, long }], see relations.js
  timeline: [],
  entitySeq: 0,      // answers to superseded requests are ignored
  timelineSeq: 0,
  searchSeq: 0,
};

// The entity and day the URL asks for (null when missing or not a real day).
export function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const date = params.get('date');
  return {
    entity: params.get('entity') || null,
    date: isDay(date) ? date : null,
  };
}

// Puts state.slug and state.date in the URL, as a new history entry if `push`.
export function writeUrl(push) {
  const params = new URLSearchParams();
  if (state.slug) params.set('entity', state.slug);
  params.set('date', state.date);
  const url = `${window.location.pathname}?${params}`;
  if (url === window.location.pathname + window.location.search) return;
  const record = { entity: state.slug, date: state.date };
  if (push) history.pushState(record, '', url);
  else history.replaceState(record, '', url);
}
