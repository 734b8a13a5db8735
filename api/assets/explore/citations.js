// A timeline entry's citations, fetched when its Citations button first
// opens them: each quote with its article's title, publisher and day, and a
// "query" link to the operation that fetched them.

import { gql, playgroundHref } from './api.js';
import { formatPeriod, formatPublished } from './dates.js';
import { clear, el } from './dom.js';
import { showError } from './messages.js';
import { CITATIONS_FIRST, CITATIONS_QUERY } from './queries.js';

// The id of what a timeline entry is about (relation, event or statement), or null.
export function subjectId(entry) {
  return (entry.relation && entry.relation.id) || (entry.event && entry.event.id) ||
    (entry.statement && entry.statement.id) || null;
}

// Opens or closes `panel` under `button`; the first opening loads it.
export function toggleCitations(entry, button, panel) {
  const open = button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(open));
  button.textContent = open ? 'Hide citations' : 'Citations';
  panel.hidden = !open;
  if (!open || panel.getAttribute('data-loaded') === 'true') return;
  const variables = { id: subjectId(entry), first: CITATIONS_FIRST };
  clear(panel);
  panel.appendChild(el('p', { class: 'hint', text: 'Loading citations…' }));
  gql(CITATIONS_QUERY, variables).then((data) => {
    clear(panel);
    panel.setAttribute('data-loaded', 'true');
    renderCitations(entry, data.node, panel);
    panel.appendChild(el('p', { class: 'panel-foot' }, [
      el('a', {
        class: 'query-link',
        href: playgroundHref(CITATIONS_QUERY, variables),
        target: '_blank',
        rel: 'noopener',
        title: 'Open the GraphQL query behind these citations in the playground',
        text: 'query',
      }),
    ]));
  }, (err) => {
    clear(panel);
    panel.appendChild(el('p', { class: 'none', text: 'The citations could not be loaded.' }));
    showError(err, 'Citations');
  });
}

// Words in quotation marks, unless the source already put them there.
function quoted(text) {
  return /^["“‘']/.test(text) ? text : `“${text}”`;
}

// Links only to http(s) addresses.
function isWebUrl(url) {
  return Boolean(url) && /^https?:\/\//.test(url);
}

function citationList(citations) {
  if (!citations || citations.length === 0) return el('p', { class: 'none', text: 'No citation recorded.' });
  return el('ul', { class: 'citation-list' }, citations.map((c) => {
    const article = c.article;
    const title = isWebUrl(article.url)
      ? el('a', { href: article.url, rel: 'noopener noreferrer', target: '_blank' }, [el('cite', { text: article.title })])
      : el('cite', { text: article.title });
    return el('li', { class: 'citation' }, [
      c.quote ? el('blockquote', { class: 'quote', text: quoted(c.quote) }) : null,
      el('p', { class: 'source' }, [
        title,
        `, ${article.publisher}, `,
        el('time', { datetime: article.publishedAt, text: formatPublished(article.publishedAt) }),
      ]),
    ]);
  }));
}

// The status periods a relation's timeline entry records: those that start
// on its date (narrowed to the status its title ends with), else all of them.
function periodsOf(entry, history) {
  let periods = history.filter((p) => p.from && p.from.edtf === entry.date.edtf);
  const matching = periods.filter((p) => entry.title.slice(-p.status.length) === p.status);
  if (matching.length > 0) periods = matching;
  return periods.length > 0 ? periods : history;
}

function renderCitations(entry, node, panel) {
  if (!node) {
    panel.appendChild(el('p', { class: 'none', text: 'This fact is no longer in the knowledge base.' }));
    return;
  }
  if (node.__typename === 'Relation') {
    for (const p of periodsOf(entry, node.history)) {
      panel.appendChild(el('p', { class: 'citation-subject' }, [
        `${node.label}: `,
        el('span', { class: `status status-${p.status.toLowerCase()}`, text: p.status }),
        ` ${formatPeriod(p)}`,
      ]));
      panel.appendChild(citationList(p.citations));
    }
  } else if (node.__typename === 'Event') {
    if (node.summary) panel.appendChild(el('p', { class: 'citation-subject', text: node.summary }));
    panel.appendChild(citationList(node.citations));
  } else if (node.__typename === 'Statement') {
    if (node.quote) panel.appendChild(el('blockquote', { class: 'statement-quote', text: quoted(node.quote) }));
    panel.appendChild(el('p', { class: 'citation-subject', text: `${node.speaker.name}: ${node.summary}` }));
    panel.appendChild(citationList(node.citations));
  }
}
