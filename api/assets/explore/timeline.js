// The timeline panel: the open entity's status changes, events and
// statements, oldest first, each dated as precisely as its source; entries
// after the chosen day are dimmed. Each entry's Citations button opens its
// citations (citations.js).

import { gql, setQueryLink } from './api.js';
import { toggleCitations, subjectId } from './citations.js';
import { fuzzyTitle, formatFuzzy } from './dates.js';
import { $, clear, el } from './dom.js';
import { showError } from './messages.js';
import { TIMELINE_FIRST, TIMELINE_QUERY } from './queries.js';
import { state } from './state.js';

const KIND_NAMES = { STATUS_CHANGE: 'Status change', EVENT: 'Event', STATEMENT: 'Statement' };

// Fetches and shows the open entity's timeline.
export function loadTimeline() {
  const slug = state.slug;
  const variables = { slug, first: TIMELINE_FIRST };
  setQueryLink('timeline-query-link', TIMELINE_QUERY, variables);
  const seq = ++state.timelineSeq;
  state.timeline = [];
  clear($('timeline'));
  $('timeline-status').textContent = 'Loading the timeline…';
  return gql(TIMELINE_QUERY, variables).then((data) => {
    if (seq !== state.timelineSeq) return;
    const entries = oldestFirst(data.entity ? data.entity.timeline : []);
    state.timeline = entries;
    renderTimeline(entries);
  }, (err) => {
    if (seq !== state.timelineSeq) return;
    $('timeline-status').textContent = 'The timeline could not be loaded.';
    showError(err, `Timeline of ${slug}`);
  });
}

// The API already orders the entries; keep that order stable regardless.
function oldestFirst(entries) {
  return entries
    .map((entry, i) => ({ entry, i }))
    .sort((x, y) => {
      const a = x.entry.date.earliest;
      const b = y.entry.date.earliest;
      return a < b ? -1 : a > b ? 1 : x.i - y.i;
    })
    .map((x) => x.entry);
}

// A FuzzyDate in words, with the days it can denote as its tooltip.
function fuzzyElement(fd) {
  return el('span', { class: 'fuzzy', title: fuzzyTitle(fd), text: formatFuzzy(fd) });
}

function timelineStatus(entries) {
  if (entries.length === 0) return 'Nothing recorded.';
  return `${entries.length}${entries.length === 1 ? ' entry' : ' entries'}, oldest first` +
    (entries.length >= TIMELINE_FIRST ? ` (the first ${TIMELINE_FIRST})` : '') + '.';
}

function entryItem(entry, i) {
  const panelId = `citations-${i}`;
  const button = el('button', {
    type: 'button',
    class: 'cite-button',
    'aria-expanded': 'false',
    'aria-controls': panelId,
    text: 'Citations',
  });
  const panel = el('div', { id: panelId, class: 'citations', hidden: true });
  button.addEventListener('click', () => toggleCitations(entry, button, panel));
  const speaker = entry.statement && entry.statement.speaker;
  return el('li', {
    class: `entry kind-${entry.kind.toLowerCase().replace('_', '-')}`,
    'data-kind': entry.kind,
    'data-earliest': entry.date.earliest,
  }, [
    el('div', { class: 'entry-head' }, [
      el('span', { class: 'entry-date' }, [fuzzyElement(entry.date)]),
      el('span', { class: 'entry-kind', text: KIND_NAMES[entry.kind] || entry.kind }),
    ]),
    el('p', { class: 'entry-title' }, [
      entry.title,
      speaker ? el('span', { class: 'speaker', text: ` — ${speaker.name}` }) : null,
    ]),
    subjectId(entry) ? button : null,
    panel,
  ]);
}

function renderTimeline(entries) {
  const list = $('timeline');
  clear(list);
  $('timeline-status').textContent = timelineStatus(entries);
  entries.forEach((entry, i) => list.appendChild(entryItem(entry, i)));
  markTimelineDate();
}

// Dims the entries after the chosen day, so the network's day shows here too.
export function markTimelineDate() {
  for (const item of $('timeline').querySelectorAll('li.entry')) {
    item.classList.toggle('after-date', item.getAttribute('data-earliest') > state.date);
  }
}
