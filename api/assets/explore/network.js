// The network view (cytoscape.js, loaded as a classic script before the
// modules): the open entity in the middle, each relation that holds on the
// day an edge to its other end, coloured and shaped by kind and status.
// Hovering an edge, hovering or focusing its table row, or the arrow keys
// on the focused graph highlight a relation and describe it in the line
// under the graph; a click on a node, or Enter on the graph, opens the
// other entity.

import { $, debounce } from './dom.js';
import { formatDay } from './dates.js';
import { showError } from './messages.js';
import { state } from './state.js';

let cy = null;
let highlighted = null; // the highlighted edge's id
// Opens an entity (set by setupGraph).
let open = () => {};

const GRAPH_HINT = 'Click a node to open that entity. Hover or focus a relation (in the graph: ' +
  'focus it, then the arrow keys; Enter opens the other end) for its label and type.';

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const INK = '#1d2330';
const KIND_COLOURS = { ACTOR: '#2f64c4', ORGANISATION: '#c77a0a', REGION: '#7e4bb5' };

// An edge's line and arrow in one colour.
function lineColour(colour) {
  return { 'line-color': colour, 'target-arrow-color': colour };
}

// Nodes by kind (actor: circle, organisation: square, region: diamond);
// edges by status (see the legend in index.html).
const GRAPH_STYLE = [
  {
    selector: 'node',
    style: {
      'background-color': '#888',
      'label': 'data(name)',
      'color': INK,
      'font-family': FONT,
      'font-size': 13,
      'text-valign': 'bottom',
      'text-margin-y': 6,
      'text-wrap': 'wrap',
      'text-max-width': 130,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'text-background-padding': 2,
      'width': 30,
      'height': 30,
      'border-width': 2,
      'border-color': '#ffffff',
    },
  },
  { selector: 'node[kind = "ACTOR"]', style: { 'background-color': KIND_COLOURS.ACTOR } },
  {
    selector: 'node[kind = "ORGANISATION"]',
    style: { 'background-color': KIND_COLOURS.ORGANISATION, 'shape': 'round-rectangle' },
  },
  { selector: 'node[kind = "REGION"]', style: { 'background-color': KIND_COLOURS.REGION, 'shape': 'diamond' } },
  {
    selector: 'node.centre',
    style: { 'width': 46, 'height': 46, 'border-width': 4, 'border-color': INK, 'font-weight': 'bold', 'font-size': 15 },
  },
  { selector: 'node.hover', style: { 'border-color': INK, 'border-width': 3 } },
  {
    selector: 'edge',
    style: {
      'width': 3,
      'curve-style': 'bezier',
      'control-point-step-size': 60,
      ...lineColour('#2e7d4f'),
      'target-arrow-shape': 'triangle',
      'arrow-scale': 1.1,
      'label': 'data(short)',
      'font-family': FONT,
      'font-size': 11,
      'color': INK,
      'text-rotation': 'autorotate',
      'text-wrap': 'wrap',
      'text-max-width': 120,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.9,
      'text-background-padding': 2,
      'text-background-shape': 'round-rectangle',
    },
  },
  { selector: 'edge[?symmetric]', style: { 'target-arrow-shape': 'none' } },
  { selector: 'edge[status = "ACTIVE"]', style: { 'line-style': 'solid', ...lineColour('#2e7d4f') } },
  {
    selector: 'edge[status = "SUSPENDED"]',
    style: { 'line-style': 'dashed', 'line-dash-pattern': [9, 5], ...lineColour('#c62828') },
  },
  { selector: 'edge[status = "PROPOSED"]', style: { 'line-style': 'dotted', ...lineColour('#3d5a80') } },
  { selector: 'edge[status = "ENDED"]', style: { 'line-style': 'solid', ...lineColour('#a3a9b3') } },
  // The dates allow more than one status that day.
  { selector: 'edge[status = "EITHER"]', style: lineColour('#b26a00') },
  // Only possibly so (a fuzzy date makes the day uncertain): fainter, broken.
  {
    selector: 'edge.possible',
    style: { 'line-opacity': 0.5, 'line-style': 'dashed', 'line-dash-pattern': [3, 5], 'color': '#4a5160' },
  },
  { selector: 'edge.compact', style: { 'label': '' } },
  { selector: 'edge.highlight', style: { 'width': 6, 'font-weight': 'bold', 'z-index': 10, 'line-opacity': 1 } },
];

// The cytoscape instance, made on first use; null (and an error shown) if
// the library did not load.
function ensureGraph() {
  if (cy) return cy;
  if (typeof cytoscape !== 'function') {
    showError(new Error('The graph library did not load from /explore/vendor/cytoscape.min.js'), 'Network');
    return null;
  }
  cy = cytoscape({
    container: $('graph'),
    elements: [],
    style: GRAPH_STYLE,
    layout: { name: 'preset' },
    minZoom: 0.3,
    maxZoom: 2.5,
    boxSelectionEnabled: false,
    autounselectify: true,
  });
  cy.on('tap', 'node', (event) => {
    const slug = event.target.data('slug');
    if (slug && slug !== state.slug) open(slug, { push: true });
  });
  cy.on('mouseover', 'node', (event) => {
    event.target.addClass('hover');
    $('graph').classList.add('pointer');
  });
  cy.on('mouseout', 'node', (event) => {
    event.target.removeClass('hover');
    $('graph').classList.remove('pointer');
  });
  cy.on('mouseover', 'edge', (event) => highlightEdge(event.target.id()));
  cy.on('mouseout', 'edge', () => highlightEdge(null));

  // Keep the drawing fitted when the panel changes size.
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(debounce(layoutGraph, 100)).observe($('graph'));
  }
  return cy;
}

// Places the open entity in the middle and every other end on a ring
// around it (first at the top left), the ring sized to the box and wide
// enough for its labels; then fits the drawing, never blowing a small
// network up past its natural size. Runs again when the box changes size.
function layoutGraph() {
  cy.resize();
  const box = $('graph');
  const others = cy.nodes().filter((n) => !n.hasClass('centre'));
  const side = Math.min(box.clientWidth, box.clientHeight);
  const room = side / 2 - 30;
  const radius = Math.max(Math.min(210, Math.max(110, room)), others.length * 95 / (2 * Math.PI));
  const positions = {};
  others.forEach((node, i) => {
    const angle = -3 * Math.PI / 4 + i * 2 * Math.PI / Math.max(1, others.length);
    positions[node.id()] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
  });
  cy.layout({
    name: 'preset',
    positions: (node) => positions[node.id()] || { x: 0, y: 0 },
    fit: false,
  }).run();
  // A small box has no room for edge labels: the line styles, the line
  // under the graph and the table still say each status.
  cy.edges().toggleClass('compact', side < 400);
  cy.fit(undefined, 45);
  if (cy.zoom() > 1) cy.zoom(1);
  cy.center(cy.nodes('.centre'));
}

// Highlights one relation's edge and table row and describes it in the
// line under the graph; null goes back to the hint.
export function highlightEdge(id) {
  const tip = $('graph-tip');
  if (cy) cy.edges().removeClass('highlight');
  for (const row of $('relations-body').querySelectorAll('tr.highlight')) row.classList.remove('highlight');
  highlighted = id;
  tip.classList.toggle('active', Boolean(id));
  if (!id) {
    tip.textContent = GRAPH_HINT;
    return;
  }
  const entry = state.relations.find((r) => r.relation.id === id);
  if (!entry) return;
  const row = $('relations-body').querySelector(`tr[data-id="${CSS.escape(id)}"]`);
  if (row) row.classList.add('highlight');
  tip.textContent = entry.long;
  if (cy) cy.getElementById(id).addClass('highlight');
}

function nodeFor(end) {
  return { data: { id: `n:${end.slug}`, slug: end.slug, name: end.name, kind: end.kind } };
}

function edgeFor(r) {
  const a = r.answer;
  return {
    data: {
      id: r.relation.id,
      source: `n:${r.relation.source.slug}`,
      target: `n:${r.relation.target.slug}`,
      status: !a ? 'ENDED' : a.alternatives.length > 0 ? 'EITHER' : a.status,
      symmetric: r.relation.symmetric,
      short: r.short,
      long: r.long,
    },
    classes: a && a.certain ? '' : 'possible',
  };
}

// Draws `entity` and its `relations` (from describeRelations) on `day`; the
// graph's accessible name spells every relation out.
export function renderNetwork(entity, relations, day) {
  const empty = $('graph-empty');
  empty.hidden = relations.length > 0;
  empty.textContent = relations.length > 0 ? '' : `No relation of ${entity.name} holds on ${formatDay(day)}.`;
  $('graph').setAttribute('aria-label', `Network of the relations of ${entity.name} on ${formatDay(day)}: ` +
    (relations.length === 0 ? 'none.' : `${relations.map((r) => r.long).join('; ')}.`));

  if (!ensureGraph()) return;
  const nodes = new Map([[entity.slug, { ...nodeFor(entity), classes: 'centre' }]]);
  for (const r of relations) {
    for (const end of [r.relation.source, r.relation.target]) {
      if (!nodes.has(end.slug)) nodes.set(end.slug, nodeFor(end));
    }
  }
  const edges = relations.map(edgeFor);
  cy.batch(() => {
    cy.elements().remove();
    cy.add([...nodes.values(), ...edges]);
  });
  layoutGraph();
  highlightEdge(null);
  $('graph').setAttribute('data-date', day);
}

// Makes the graph focusable: the arrow keys walk through its edges, Enter
// opens the other end of the highlighted one, Esc clears the highlight.
// `openEntity(slug, { push })` also serves clicks on nodes.
export function setupGraph(openEntity) {
  open = openEntity;
  const graph = $('graph');
  graph.setAttribute('tabindex', '0');
  graph.addEventListener('keydown', (event) => {
    const ids = state.relations.map((r) => r.relation.id);
    if (ids.length === 0) return;
    const index = ids.indexOf(highlighted);
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') {
      event.preventDefault();
      highlightEdge(ids[(index + 1) % ids.length]);
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') {
      event.preventDefault();
      highlightEdge(ids[(index - 1 + ids.length) % ids.length]);
    } else if (event.key === 'Enter' && index >= 0) {
      event.preventDefault();
      open(state.relations[index].other.slug, { push: true });
    } else if (event.key === 'Escape') {
      highlightEdge(null);
    }
  });
  graph.addEventListener('blur', () => highlightEdge(null));
}
