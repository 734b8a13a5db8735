// The search panel: searches as the reader types (debounced), lists the
// matches as a listbox, and opens one by keyboard or click. ↓ moves from
// the box into the list, ↑/↓/Home/End move in it, Enter or Space opens the
// focused result, Esc goes back; Enter in the box opens the first result.

import { gql, setQueryLink } from './api.js';
import { $, clear, debounce, el, kindName } from './dom.js';
import { clearMessages, showError } from './messages.js';
import { SEARCH_FIRST, SEARCH_QUERY } from './queries.js';
import { state } from './state.js';

// Opens an entity (set by setupSearch).
let open = () => {};

function options() {
  return Array.from($('search-results').querySelectorAll('[role=option]'));
}

// Searches for `text` and lists the matches; resolves once they are shown
// (or the search failed, or a newer one superseded it).
function runSearch(text) {
  const variables = { text, first: SEARCH_FIRST };
  setQueryLink('search-query-link', SEARCH_QUERY, variables);
  const seq = ++state.searchSeq;
  if (!text) {
    renderSearch([], '');
    return Promise.resolve();
  }
  $('search-status').textContent = 'Searching…';
  return gql(SEARCH_QUERY, variables).then((data) => {
    if (seq !== state.searchSeq) return;
    renderSearch(data.search || [], text);
  }, (err) => {
    if (seq !== state.searchSeq) return;
    $('search-status').textContent = 'The search failed.';
    showError(err, 'Search');
  });
}

function searchStatus(results, text) {
  if (!text) return '';
  if (results.length === 0) return `Nothing matches “${text}”.`;
  return `${results.length}${results.length === 1 ? ' match' : ' matches'} for “${text}”.`;
}

function renderSearch(results, text) {
  const list = $('search-results');
  clear(list);
  $('search-status').textContent = searchStatus(results, text);
  results.forEach((entity, i) => {
    list.appendChild(el('li', {
      id: `search-result-${i}`,
      role: 'option',
      tabindex: '0',
      class: 'search-result',
      'data-slug': entity.slug,
      'aria-selected': entity.slug === state.slug ? 'true' : 'false',
    }, [
      el('span', { class: `dot kind-${entity.kind.toLowerCase()}`, 'aria-hidden': 'true' }),
      el('span', { class: 'result-name', text: entity.name }),
      el('span', { class: 'result-meta', text: `${kindName(entity.kind)} · ${entity.category}` }),
    ]));
  });
}

// Marks the open entity's result as selected.
export function markSelected(slug) {
  for (const item of options()) {
    item.setAttribute('aria-selected', item.getAttribute('data-slug') === slug ? 'true' : 'false');
  }
}

function focusResult(index) {
  const items = options();
  if (items.length === 0) return;
  items[Math.max(0, Math.min(items.length - 1, index))].focus();
}

function chooseResult(item) {
  const slug = item && item.getAttribute('data-slug');
  if (slug) open(slug, { push: true, focus: true });
}

// The keys of the list: where focus goes, or which result opens.
function onListKey(event, input) {
  const items = options();
  const index = items.indexOf(document.activeElement);
  if (index < 0) return;
  const actions = {
    ArrowDown: () => focusResult(index + 1),
    ArrowUp: () => (index === 0 ? input.focus() : focusResult(index - 1)),
    Home: () => focusResult(0),
    End: () => focusResult(items.length - 1),
    Enter: () => chooseResult(items[index]),
    ' ': () => chooseResult(items[index]),
    Escape: () => input.focus(),
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

// Wires the panel; `openEntity(slug, { push, focus })` opens a chosen result.
export function setupSearch(openEntity) {
  open = openEntity;
  const input = $('search-input');
  const list = $('search-results');
  const search = debounce(() => runSearch(input.value.trim()), 200);
  setQueryLink('search-query-link', SEARCH_QUERY, { text: '', first: SEARCH_FIRST });

  input.addEventListener('input', () => {
    clearMessages();
    search();
  });
  // The form never submits (the CSP forbids form actions): Enter opens the
  // first result, after the search for the current text has answered.
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search.cancel();
    runSearch(input.value.trim()).then(() => {
      const first = list.querySelector('[role=option]');
      if (first) chooseResult(first);
    });
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusResult(0);
    }
  });
  list.addEventListener('keydown', (event) => onListKey(event, input));
  list.addEventListener('click', (event) => {
    const item = event.target.closest('[role=option]');
    if (item) chooseResult(item);
  });
}
