// The open entity: opening one (URL, search marks, both views), fetching it
// with its relations as of the chosen day, its profile card, and the date
// control (a slider over 1990–2010 and a date input for any day) that
// fetches the network again when the day changes.

import { gql, setQueryLink } from './api.js';
import { RANGE_END, dayToIndex, formatDay, indexToDay, isDay } from './dates.js';
import { $, clear, debounce, el, kindName } from './dom.js';
import { clearMessages, showError, showNotice } from './messages.js';
import { renderNetwork } from './network.js';
import { ENTITY_QUERY, RELATIONS_FIRST } from './queries.js';
import { describeRelations, renderRelationsTable } from './relations.js';
import { markSelected } from './search.js';
import { state, writeUrl } from './state.js';
import { loadTimeline, markTimelineDate } from './timeline.js';

// Opens the entity `slug`: `push` adds a history entry (if it is another
// entity), `focus` moves focus to the entity once it is shown.
export function openEntity(slug, options = {}) {
  const changed = slug !== state.slug;
  state.slug = slug;
  clearMessages();
  writeUrl(Boolean(options.push && changed));
  markSelected(slug);
  const section = $('entity');
  section.hidden = false;
  $('intro').hidden = true;
  loadNetwork().then(() => {
    if (options.focus) section.focus();
  });
  if (changed || state.timeline.length === 0) loadTimeline();
}

// Shows the introduction instead of an entity.
export function showIntro() {
  $('entity').hidden = true;
  $('intro').hidden = false;
}

// Fetches the entity and its relations as of state.date, then draws them.
function loadNetwork() {
  const slug = state.slug;
  const day = state.date;
  const variables = { slug, asOf: day, first: RELATIONS_FIRST };
  setQueryLink('network-query-link', ENTITY_QUERY, variables);
  const seq = ++state.entitySeq;
  const section = $('entity');
  section.setAttribute('aria-busy', 'true');
  return gql(ENTITY_QUERY, variables).then((data) => {
    if (seq !== state.entitySeq) return;
    section.removeAttribute('aria-busy');
    if (!data.entity) {
      showNotice(`There is no entity with the slug “${slug}”. Search for it by name.`);
      showIntro();
      return;
    }
    state.entity = data.entity;
    renderProfile(data.entity);
    state.relations = describeRelations(data.entity, day);
    renderRelationsTable(data.entity, state.relations, day, openEntity);
    renderNetwork(data.entity, state.relations, day);
  }, (err) => {
    if (seq !== state.entitySeq) return;
    section.removeAttribute('aria-busy');
    showError(err, `Loading ${slug} as of ${day}`);
  });
}

// Fills `box` with one element per item, comma-separated, or "none recorded".
function fillList(box, items, render) {
  clear(box);
  if (items.length === 0) box.appendChild(el('span', { class: 'none', text: 'none recorded' }));
  items.forEach((item, i) => {
    if (i > 0) box.appendChild(document.createTextNode(', '));
    box.appendChild(render(item));
  });
}

function renderProfile(entity) {
  document.title = `${entity.name} — Explore the knowledge base`;
  $('entity-name').textContent = entity.name;
  const kind = $('entity-kind');
  kind.textContent = kindName(entity.kind);
  kind.className = `kind-badge kind-${entity.kind.toLowerCase()}`;
  $('entity-category').textContent = entity.category;
  const description = $('entity-description');
  description.textContent = entity.description || '';
  description.hidden = !entity.description;

  fillList($('entity-aliases'), entity.aliases, (alias) => el('span', { class: 'alias', text: alias }));
  fillList($('entity-external-ids'), entity.externalIds, (x) => {
    const value = x.url && /^https?:\/\//.test(x.url)
      ? el('a', { href: x.url, rel: 'noopener noreferrer', target: '_blank', text: x.value })
      : el('code', { text: x.value });
    return el('span', { class: 'external-id' }, [`${x.scheme} `, value]);
  });
}

// ---- The date control -------------------------------------------------------

// The network is fetched again once the slider rests.
const fetchForDate = debounce(() => loadNetwork(), 250);

// Shows `day` in the slider, the date input and the label.
export function showDate(day) {
  const range = $('date-range');
  range.value = String(Math.max(0, Math.min(+range.max, dayToIndex(day))));
  range.setAttribute('aria-valuetext', formatDay(day));
  $('date-input').value = day;
  $('date-shown').textContent = formatDay(day);
}

// Moves to `day`: the controls and the timeline follow at once, the URL is
// replaced, and the network is fetched now or once the slider rests.
function setDate(day, immediately) {
  if (!isDay(day)) return;
  state.date = day;
  showDate(day);
  markTimelineDate();
  if (!state.slug) return;
  writeUrl(false);
  if (immediately) {
    fetchForDate.cancel();
    loadNetwork();
  } else {
    fetchForDate();
  }
}

export function setupDate() {
  const range = $('date-range');
  const input = $('date-input');
  range.min = '0';
  range.max = String(dayToIndex(RANGE_END));
  // Dragging or arrow keys fire many input/change events: the label follows
  // at once, the fetch waits until the slider rests (debounced).
  const follow = () => setDate(indexToDay(+range.value), false);
  range.addEventListener('input', follow);
  range.addEventListener('change', follow);
  input.addEventListener('change', () => {
    if (isDay(input.value)) setDate(input.value, true);
  });
}
