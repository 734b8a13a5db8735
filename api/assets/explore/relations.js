// Relations on the chosen day: what each one's status is, in words, and
// the relations table under the graph (the same facts as the network, for
// reading and for keyboard and screen-reader use).
//
// The API decides each status (statusOn, from the rules in
// domain/src/period.rs): the status, whether it is certain, and every status
// some reading of the fuzzy dates gives that day (`possible`, the decided
// one first). The page shows that answer as it is and never works a status
// out itself: on 2008-08-01 the NATO–Russia Council, ACTIVE until "2008-08"
// and SUSPENDED from "2008-08", reads "SUSPENDED or ACTIVE".

import { $, clear, el } from './dom.js';
import { formatDay, formatPeriod } from './dates.js';
import { highlightEdge } from './network.js';

// { status, certain, period, alternatives } for a relation, or null.
function statusOnDay(relation) {
  const server = relation.statusOn;
  if (!server) return null;
  const alternatives = (server.possible || []).filter((s) => s !== server.status);
  return {
    status: server.status,
    certain: server.certain && alternatives.length === 0,
    period: server.period,
    alternatives,
  };
}

// "SUSPENDED"; "possibly SUSPENDED"; "SUSPENDED or ACTIVE".
function statusText(answer) {
  if (!answer) return 'no status';
  if (answer.certain) return answer.status;
  if (answer.alternatives.length > 0) return [answer.status, ...answer.alternatives].join(' or ');
  return `possibly ${answer.status}`;
}

// "NATO → Russia" for a directed relation, "NATO – Russia" for a symmetric one.
function ends(relation) {
  return relation.source.name + (relation.symmetric ? ' – ' : ' → ') + relation.target.name;
}

// Each relation of `entity` on `day`: { relation, other (its other end),
// answer (statusOnDay), short (the status in words), long (a sentence) }.
export function describeRelations(entity, day) {
  return entity.relations.edges.map(({ node: relation }) => {
    const answer = statusOnDay(relation);
    const status = statusText(answer);
    return {
      relation,
      other: relation.source.slug === entity.slug ? relation.target : relation.source,
      answer,
      short: status,
      long: `${relation.label} (${relation.type}) — ${ends(relation)}: ${status} on ${formatDay(day)}`,
    };
  });
}

// The status cell: "possibly ACTIVE" or "SUSPENDED or ACTIVE", and whether it is certain.
function statusCell(a) {
  return el('td', { class: 'status-cell' }, [
    a && !a.certain && a.alternatives.length === 0 ? el('span', { class: 'possibly', text: 'possibly ' }) : null,
    el('span', {
      class: `status status-${a ? a.status.toLowerCase() : 'none'}${a && !a.certain ? ' uncertain' : ''}`,
      'data-status': a ? a.status : '',
      text: a ? a.status : 'no status',
    }),
    a && a.alternatives.length > 0 ? el('span', { class: 'possibly', text: ` or ${a.alternatives.join(' or ')}` }) : null,
    a ? el('span', {
      class: 'certainty',
      text: a.certain ? 'certain on this day' : 'not certain on this day: a date is fuzzy',
    }) : null,
  ]);
}

// One row; hovering or focusing it highlights its edge, its button opens the other end.
function relationRow(r, open) {
  const a = r.answer;
  const button = el('button', { type: 'button', class: 'link-button', 'data-slug': r.other.slug }, [
    el('span', { class: `dot kind-${r.other.kind.toLowerCase()}`, 'aria-hidden': 'true' }),
    r.other.name,
  ]);
  button.addEventListener('click', () => open(r.other.slug, { push: true, focus: true }));
  const row = el('tr', {
    tabindex: '0',
    'data-id': r.relation.id,
    'data-relation': r.relation.label,
    'data-status': a ? a.status : '',
    'data-certain': a ? String(a.certain) : 'false',
    'data-possible': a ? [a.status, ...a.alternatives].join(' ') : '',
    'aria-label': r.long,
  }, [
    el('td', {}, [
      el('span', { class: 'rel-label', text: r.relation.label }),
      el('span', { class: 'rel-meta', text: `${r.relation.type} · ${ends(r.relation)}` }),
    ]),
    el('td', {}, [button]),
    statusCell(a),
    el('td', { class: 'since', text: a ? formatPeriod(a.period) : '' }),
  ]);
  row.addEventListener('mouseenter', () => highlightEdge(r.relation.id));
  row.addEventListener('mouseleave', () => highlightEdge(null));
  row.addEventListener('focus', () => highlightEdge(r.relation.id));
  row.addEventListener('blur', () => highlightEdge(null));
  return row;
}

// Fills the table with `relations` (from describeRelations); `open(slug,
// { push, focus })` opens another entity.
export function renderRelationsTable(entity, relations, day, open) {
  const body = $('relations-body');
  clear(body);
  const total = entity.relations.totalCount;
  $('relations-caption').textContent = `Relations of ${entity.name} on ${formatDay(day)}` +
    (total > relations.length ? ` (the first ${relations.length} of ${total})` : '');
  if (relations.length === 0) {
    body.appendChild(el('tr', {}, [el('td', { colspan: '4', class: 'none', text: 'None holds on this day.' })]));
  }
  for (const r of relations) body.appendChild(relationRow(r, open));
  body.setAttribute('data-date', day);
}
