// The explorer: search the knowledge base, open an entity, see its relations
// as of a day drawn as a network (cytoscape.js), and its cited timeline.
//
// Plain JavaScript, no build step. Everything comes from the public GraphQL
// API at /graphql (same origin, POST JSON). The URL holds the state:
//   /explore?entity=nato&date=2008-09-01
(function () {
  'use strict';

  var ENDPOINT = '/graphql';
  var PLAYGROUND = '/';
  // The slider's range; the date input accepts any day.
  var RANGE_START = '1990-01-01';
  var RANGE_END = '2010-12-31';
  var DEFAULT_DATE = '2008-09-01';
  var DAY_MS = 86400000;
  var SEARCH_FIRST = 20;
  var RELATIONS_FIRST = 100;
  var TIMELINE_FIRST = 100;
  var CITATIONS_FIRST = 10;

  // ---- GraphQL operations (each view's "query" link opens its own) --------

  var FUZZY_FIELDS = 'edtf earliest latest precision approximate uncertain';

  var SEARCH_QUERY = [
    'query ExplorerSearch($text: String!, $first: Int!) {',
    '  search(text: $text, first: $first) {',
    '    slug',
    '    name',
    '    kind',
    '    category',
    '  }',
    '}'
  ].join('\n');

  var ENTITY_QUERY = [
    'query ExplorerEntity($slug: String!, $asOf: Date!, $first: Int!) {',
    '  entity(slug: $slug) {',
    '    slug',
    '    name',
    '    kind',
    '    category',
    '    aliases',
    '    description',
    '    externalIds { scheme value url }',
    '    relations(asOf: $asOf, first: $first) {',
    '      totalCount',
    '      edges {',
    '        node {',
    '          id',
    '          label',
    '          type',
    '          symmetric',
    '          source { slug name kind }',
    '          target { slug name kind }',
    '          statusOn(asOf: $asOf) {',
    '            status',
    '            certain',
    '            possible',
    '            period { ...period }',
    '          }',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    '',
    'fragment period on StatusPeriod {',
    '  status',
    '  from { ' + FUZZY_FIELDS + ' }',
    '  to { ' + FUZZY_FIELDS + ' }',
    '  recordedAt',
    '}'
  ].join('\n');

  var TIMELINE_QUERY = [
    'query ExplorerTimeline($slug: String!, $first: Int!) {',
    '  entity(slug: $slug) {',
    '    slug',
    '    timeline(first: $first) {',
    '      date { ' + FUZZY_FIELDS + ' }',
    '      kind',
    '      title',
    '      relation { id label }',
    '      event { id }',
    '      statement { id speaker { slug name } }',
    '    }',
    '  }',
    '}'
  ].join('\n');

  var CITATIONS_QUERY = [
    'query ExplorerCitations($id: ID!, $first: Int!) {',
    '  node(id: $id) {',
    '    __typename',
    '    ... on Relation {',
    '      label',
    '      history {',
    '        status',
    '        from { ' + FUZZY_FIELDS + ' }',
    '        to { ' + FUZZY_FIELDS + ' }',
    '        citations(first: $first) { ...citation }',
    '      }',
    '    }',
    '    ... on Event {',
    '      title',
    '      summary',
    '      citations(first: $first) { ...citation }',
    '    }',
    '    ... on Statement {',
    '      summary',
    '      quote',
    '      speaker { name }',
    '      citations(first: $first) { ...citation }',
    '    }',
    '  }',
    '}',
    '',
    'fragment citation on Citation {',
    '  quote',
    '  article { title publisher publishedAt url }',
    '}'
  ].join('\n');

  // ---- Small helpers -------------------------------------------------------

  function $(id) {
    return document.getElementById(id);
  }

  // Creates an element: el('a', { href: '/', class: 'x' }, ['text', child]).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) return;
        if (name === 'class') node.className = value;
        else if (name === 'text') node.textContent = value;
        else node.setAttribute(name, value === true ? '' : String(value));
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function debounce(fn, ms) {
    var timer = null;
    var wrapped = function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
    wrapped.cancel = function () { clearTimeout(timer); };
    return wrapped;
  }

  // Link to the playground holding exactly this operation and its variables.
  function playgroundHref(query, variables) {
    return PLAYGROUND + '?query=' + encodeURIComponent(query) +
      '&variables=' + encodeURIComponent(JSON.stringify(variables));
  }

  function setQueryLink(id, query, variables) {
    $(id).href = playgroundHref(query, variables);
  }

  var KIND_NAMES = { ACTOR: 'Actor', ORGANISATION: 'Organisation', REGION: 'Region' };
  var TIMELINE_KIND_NAMES = { STATUS_CHANGE: 'Status change', EVENT: 'Event', STATEMENT: 'Statement' };

  function kindName(kind) {
    return KIND_NAMES[kind] || kind;
  }

  // ---- Days (YYYY-MM-DD strings; compared as strings, counted in UTC) -------

  var DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

  function isDay(text) {
    var m = DAY_RE.exec(text || '');
    if (!m) return false;
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
  }

  function dayToIndex(day) {
    var m = DAY_RE.exec(day);
    var s = DAY_RE.exec(RANGE_START);
    return Math.round((Date.UTC(+m[1], +m[2] - 1, +m[3]) - Date.UTC(+s[1], +s[2] - 1, +s[3])) / DAY_MS);
  }

  function indexToDay(index) {
    var s = DAY_RE.exec(RANGE_START);
    var d = new Date(Date.UTC(+s[1], +s[2] - 1, +s[3]) + index * DAY_MS);
    return d.toISOString().slice(0, 10);
  }

  // ---- Fuzzy dates, shown at the precision the source gives -----------------

  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December'];
  var MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  function ymd(day) {
    return { y: +day.slice(0, 4), m: +day.slice(5, 7), d: +day.slice(8, 10) };
  }

  // A full day: "19 August 2008" (short: "19 Aug 2008").
  function formatDay(day, short) {
    var p = ymd(day);
    return p.d + ' ' + (short ? MONTHS_SHORT : MONTHS)[p.m - 1] + ' ' + p.y;
  }

  // One date at its precision; `day` is any day inside it.
  function formatAt(precision, day, approximate, uncertain) {
    var p = ymd(day);
    var text;
    if (precision === 'DAY') text = formatDay(day, approximate);
    else if (precision === 'MONTH') text = MONTHS[p.m - 1] + ' ' + p.y;
    else if (precision === 'YEAR') text = String(p.y);
    else if (precision === 'DECADE') text = (Math.floor(p.y / 10) * 10) + 's';
    else text = day;
    if (approximate) text = 'about ' + text;
    if (uncertain) text += '?';
    return text;
  }

  // The precision and qualifiers of one end of an EDTF interval.
  function edtfEnd(text) {
    var last = text.slice(-1);
    var approximate = last === '~' || last === '%';
    var uncertain = last === '?' || last === '%';
    var body = approximate || uncertain ? text.slice(0, -1) : text;
    var precision = /^\d{3}X$/.test(body) ? 'DECADE'
      : /^\d{4}$/.test(body) ? 'YEAR'
      : /^\d{4}-\d{2}$/.test(body) ? 'MONTH'
      : /^\d{4}-\d{2}-\d{2}$/.test(body) ? 'DAY' : null;
    return { precision: precision, approximate: approximate, uncertain: uncertain };
  }

  // "16–17 August 2008", "30 September – 1 October 2008", "August–October 2008".
  function formatInterval(fd) {
    var ends = fd.edtf.split('/');
    var a = edtfEnd(ends[0]);
    var b = edtfEnd(ends[1] || '');
    if (!a.precision || !b.precision) {
      // Not a shape we know: say only what the bounds say.
      return formatAt(fd.precision, fd.earliest, fd.approximate, fd.uncertain) + ' – ' +
        formatAt(fd.precision, fd.latest, fd.approximate, fd.uncertain);
    }
    var plain = !a.approximate && !a.uncertain && !b.approximate && !b.uncertain;
    var s = ymd(fd.earliest);
    var e = ymd(fd.latest);
    if (plain && a.precision === 'DAY' && b.precision === 'DAY' && s.y === e.y) {
      if (s.m === e.m) return s.d + '–' + e.d + ' ' + MONTHS[e.m - 1] + ' ' + e.y;
      return s.d + ' ' + MONTHS[s.m - 1] + ' – ' + e.d + ' ' + MONTHS[e.m - 1] + ' ' + e.y;
    }
    if (plain && a.precision === 'MONTH' && b.precision === 'MONTH' && s.y === e.y) {
      return MONTHS[s.m - 1] + '–' + MONTHS[e.m - 1] + ' ' + e.y;
    }
    return formatAt(a.precision, fd.earliest, a.approximate, a.uncertain) + ' – ' +
      formatAt(b.precision, fd.latest, b.approximate, b.uncertain);
  }

  // A FuzzyDate as a reader would say it; never more precise than the source.
  function formatFuzzy(fd) {
    if (!fd) return '?';
    if (fd.edtf.indexOf('/') >= 0) return formatInterval(fd);
    return formatAt(fd.precision, fd.earliest, fd.approximate, fd.uncertain);
  }

  // What the date can denote, for a tooltip.
  function fuzzyTitle(fd) {
    if (!fd) return '';
    var range = fd.earliest === fd.latest ? fd.earliest : fd.earliest + ' to ' + fd.latest;
    return 'EDTF ' + fd.edtf + ': ' + range;
  }

  function fuzzyElement(fd) {
    return el('span', { class: 'fuzzy', title: fuzzyTitle(fd), text: formatFuzzy(fd) });
  }

  // "2002 – August 2008", "since August 2008", "until 2002".
  function formatPeriod(period) {
    if (!period) return '';
    if (period.from && period.to) return formatFuzzy(period.from) + ' – ' + formatFuzzy(period.to);
    if (period.from) return 'since ' + formatFuzzy(period.from);
    if (period.to) return 'until ' + formatFuzzy(period.to);
    return 'no dates given';
  }

  // An article's publication day (DateTime → "19 August 2008").
  function formatPublished(dateTime) {
    return dateTime && isDay(dateTime.slice(0, 10)) ? formatDay(dateTime.slice(0, 10)) : (dateTime || '');
  }

  // ---- Relation status on a day ---------------------------------------------
  //
  // The API decides (statusOn, from the rules in domain/src/period.rs): the
  // status, whether it is certain, and every status some reading of the
  // fuzzy dates gives that day (`possible`, the decided one first). The page
  // shows that answer as it is and never works a status out itself: on
  // 2008-08-01 the NATO–Russia Council, ACTIVE until "2008-08" and
  // SUSPENDED from "2008-08", reads "SUSPENDED or ACTIVE".

  // { status, certain, period, alternatives } for a relation, or null.
  function statusOnDay(relation) {
    var server = relation.statusOn;
    if (!server) return null;
    var alternatives = (server.possible || []).filter(function (s) { return s !== server.status; });
    return {
      status: server.status,
      certain: server.certain && alternatives.length === 0,
      period: server.period,
      alternatives: alternatives
    };
  }

  // "SUSPENDED"; "possibly SUSPENDED"; "SUSPENDED or ACTIVE".
  function statusText(answer) {
    if (!answer) return 'no status';
    if (answer.certain) return answer.status;
    if (answer.alternatives.length > 0) return [answer.status].concat(answer.alternatives).join(' or ');
    return 'possibly ' + answer.status;
  }

  // ---- The GraphQL client ----------------------------------------------------

  function ApiError(errors) {
    this.name = 'ApiError';
    this.errors = errors;
    this.message = errors.map(function (e) { return e.message; }).join('; ');
  }
  ApiError.prototype = Object.create(Error.prototype);

  // POSTs one operation; resolves with `data`, rejects with an ApiError that
  // carries every errors[] entry (message and extensions.code).
  function gql(query, variables) {
    return fetch(ENDPOINT, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/graphql-response+json, application/json'
      },
      body: JSON.stringify({ query: query, variables: variables }),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.text().then(function (text) {
        var body;
        try {
          body = JSON.parse(text);
        } catch (err) {
          throw new ApiError([{
            message: 'HTTP ' + response.status + ' ' + response.statusText + ' (the answer is not JSON): ' + text.slice(0, 300)
          }]);
        }
        if (body.errors && body.errors.length > 0) throw new ApiError(body.errors);
        if (!response.ok || !body.data) {
          throw new ApiError([{ message: 'HTTP ' + response.status + ' ' + response.statusText + ' without data' }]);
        }
        return body.data;
      });
    }, function (err) {
      throw new ApiError([{ message: 'Could not reach the API: ' + err.message, extensions: { code: 'NETWORK' } }]);
    });
  }

  // ---- The message area --------------------------------------------------------

  function showError(err, context) {
    var box = $('messages');
    var errors = err instanceof ApiError ? err.errors : [{ message: String(err && err.message ? err.message : err) }];
    errors.forEach(function (e) {
      var code = e.extensions && e.extensions.code;
      var item = el('div', { class: 'message error' }, [
        el('strong', { text: (context ? context + ': ' : '') }),
        el('span', { class: 'message-text', text: e.message }),
        code ? el('code', { class: 'message-code', text: code }) : null,
        e.path ? el('span', { class: 'message-path', text: ' at ' + e.path.join('.') }) : null
      ]);
      var dismiss = el('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss this message', text: '×' });
      dismiss.addEventListener('click', function () {
        box.removeChild(item);
        if (!box.firstChild) box.hidden = true;
      });
      item.appendChild(dismiss);
      box.appendChild(item);
    });
    box.hidden = false;
    if (window.console) console.warn('[explorer]', context || '', errors);
  }

  function showNotice(text) {
    var box = $('messages');
    box.appendChild(el('div', { class: 'message notice', text: text }));
    box.hidden = false;
  }

  function clearMessages() {
    var box = $('messages');
    clear(box);
    box.hidden = true;
  }

  // ---- State and the URL ----------------------------------------------------------

  var state = {
    slug: null,        // the open entity
    date: DEFAULT_DATE,
    entity: null,      // the last ExplorerEntity answer's entity
    relations: [],     // [{ relation, other, answer }]
    timeline: [],
    entitySeq: 0,      // ignore answers to superseded requests
    timelineSeq: 0,
    searchSeq: 0
  };

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    var date = params.get('date');
    return {
      entity: params.get('entity') || null,
      date: isDay(date) ? date : null
    };
  }

  function writeUrl(push) {
    var params = new URLSearchParams();
    if (state.slug) params.set('entity', state.slug);
    params.set('date', state.date);
    var url = window.location.pathname + '?' + params.toString();
    if (url === window.location.pathname + window.location.search) return;
    var record = { entity: state.slug, date: state.date };
    if (push) history.pushState(record, '', url);
    else history.replaceState(record, '', url);
  }

  // ---- Search --------------------------------------------------------------------------

  var searchResults = [];

  function runSearch(text) {
    var variables = { text: text, first: SEARCH_FIRST };
    setQueryLink('search-query-link', SEARCH_QUERY, variables);
    var seq = ++state.searchSeq;
    if (!text) {
      renderSearch([], '');
      return Promise.resolve();
    }
    $('search-status').textContent = 'Searching…';
    return gql(SEARCH_QUERY, variables).then(function (data) {
      if (seq !== state.searchSeq) return;
      renderSearch(data.search || [], text);
    }, function (err) {
      if (seq !== state.searchSeq) return;
      $('search-status').textContent = 'The search failed.';
      showError(err, 'Search');
    });
  }

  function renderSearch(results, text) {
    searchResults = results;
    var list = $('search-results');
    clear(list);
    $('search-status').textContent = !text ? '' :
      results.length === 0 ? 'Nothing matches “' + text + '”.' :
      results.length + (results.length === 1 ? ' match' : ' matches') + ' for “' + text + '”.';
    results.forEach(function (entity, i) {
      var item = el('li', {
        id: 'search-result-' + i,
        role: 'option',
        tabindex: '0',
        class: 'search-result',
        'data-slug': entity.slug,
        'aria-selected': entity.slug === state.slug ? 'true' : 'false'
      }, [
        el('span', { class: 'dot kind-' + entity.kind.toLowerCase(), 'aria-hidden': 'true' }),
        el('span', { class: 'result-name', text: entity.name }),
        el('span', { class: 'result-meta', text: kindName(entity.kind) + ' · ' + entity.category })
      ]);
      list.appendChild(item);
    });
  }

  function focusResult(index) {
    var items = $('search-results').querySelectorAll('[role=option]');
    if (items.length === 0) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    items[index].focus();
  }

  function chooseResult(item) {
    var slug = item && item.getAttribute('data-slug');
    if (slug) openEntity(slug, { push: true, focus: true });
  }

  function setupSearch() {
    var input = $('search-input');
    var list = $('search-results');
    var search = debounce(function () { runSearch(input.value.trim()); }, 200);
    setQueryLink('search-query-link', SEARCH_QUERY, { text: '', first: SEARCH_FIRST });

    input.addEventListener('input', function () {
      clearMessages();
      search();
    });
    // The form never submits (the CSP forbids form actions): Enter opens the
    // first result, after the search for the current text has answered.
    $('search-form').addEventListener('submit', function (event) {
      event.preventDefault();
      search.cancel();
      runSearch(input.value.trim()).then(function () {
        var first = list.querySelector('[role=option]');
        if (first) chooseResult(first);
      });
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        focusResult(0);
      }
    });
    list.addEventListener('keydown', function (event) {
      var items = Array.prototype.slice.call(list.querySelectorAll('[role=option]'));
      var index = items.indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        focusResult(index + 1);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        if (index === 0) input.focus();
        else focusResult(index - 1);
      } else if (event.key === 'Home') {
        event.preventDefault();
        focusResult(0);
      } else if (event.key === 'End') {
        event.preventDefault();
        focusResult(items.length - 1);
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        chooseResult(items[index]);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        input.focus();
      }
    });
    list.addEventListener('click', function (event) {
      var item = event.target.closest('[role=option]');
      if (item) chooseResult(item);
    });
  }

  // ---- The date control ---------------------------------------------------------------

  var fetchForDate = debounce(function () { loadNetwork(); }, 250);

  // Shows `day` in the slider, the date input and the label.
  function showDate(day) {
    var range = $('date-range');
    var index = dayToIndex(day);
    range.value = String(Math.max(0, Math.min(+range.max, index)));
    range.setAttribute('aria-valuetext', formatDay(day));
    $('date-input').value = day;
    $('date-shown').textContent = formatDay(day);
  }

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

  function setupDate() {
    var range = $('date-range');
    range.min = '0';
    range.max = String(dayToIndex(RANGE_END));
    // Dragging or arrow keys fire many input/change events: the label follows
    // at once, the fetch waits until the slider rests (debounced).
    range.addEventListener('input', function () {
      setDate(indexToDay(+range.value), false);
    });
    range.addEventListener('change', function () {
      setDate(indexToDay(+range.value), false);
    });
    $('date-input').addEventListener('change', function () {
      var day = $('date-input').value;
      if (isDay(day)) setDate(day, true);
    });
  }

  // ---- The entity ---------------------------------------------------------------------

  function openEntity(slug, options) {
    options = options || {};
    var changed = slug !== state.slug;
    state.slug = slug;
    clearMessages();
    writeUrl(Boolean(options.push && changed));
    Array.prototype.forEach.call($('search-results').querySelectorAll('[role=option]'), function (item) {
      item.setAttribute('aria-selected', item.getAttribute('data-slug') === slug ? 'true' : 'false');
    });
    var section = $('entity');
    section.hidden = false;
    $('intro').hidden = true;
    loadNetwork().then(function () {
      if (options.focus) section.focus();
    });
    if (changed || state.timeline.length === 0) loadTimeline();
  }

  // Fetches the entity and its relations as of state.date, then draws them.
  function loadNetwork() {
    var slug = state.slug;
    var day = state.date;
    var variables = { slug: slug, asOf: day, first: RELATIONS_FIRST };
    setQueryLink('network-query-link', ENTITY_QUERY, variables);
    var seq = ++state.entitySeq;
    $('entity').setAttribute('aria-busy', 'true');
    return gql(ENTITY_QUERY, variables).then(function (data) {
      if (seq !== state.entitySeq) return;
      $('entity').removeAttribute('aria-busy');
      if (!data.entity) {
        showNotice('There is no entity with the slug “' + slug + '”. Search for it by name.');
        $('entity').hidden = true;
        $('intro').hidden = false;
        return;
      }
      state.entity = data.entity;
      renderProfile(data.entity);
      renderNetwork(data.entity, day);
    }, function (err) {
      if (seq !== state.entitySeq) return;
      $('entity').removeAttribute('aria-busy');
      showError(err, 'Loading ' + slug + ' as of ' + day);
    });
  }

  function renderProfile(entity) {
    document.title = entity.name + ' — Explore the knowledge base';
    $('entity-name').textContent = entity.name;
    var kind = $('entity-kind');
    kind.textContent = kindName(entity.kind);
    kind.className = 'kind-badge kind-' + entity.kind.toLowerCase();
    $('entity-category').textContent = entity.category;
    var description = $('entity-description');
    description.textContent = entity.description || '';
    description.hidden = !entity.description;

    var aliases = $('entity-aliases');
    clear(aliases);
    if (entity.aliases.length === 0) aliases.appendChild(el('span', { class: 'none', text: 'none recorded' }));
    entity.aliases.forEach(function (alias, i) {
      if (i > 0) aliases.appendChild(document.createTextNode(', '));
      aliases.appendChild(el('span', { class: 'alias', text: alias }));
    });

    var ids = $('entity-external-ids');
    clear(ids);
    if (entity.externalIds.length === 0) ids.appendChild(el('span', { class: 'none', text: 'none recorded' }));
    entity.externalIds.forEach(function (x, i) {
      if (i > 0) ids.appendChild(document.createTextNode(', '));
      var value = x.url && /^https?:\/\//.test(x.url)
        ? el('a', { href: x.url, rel: 'noopener noreferrer', target: '_blank', text: x.value })
        : el('code', { text: x.value });
      ids.appendChild(el('span', { class: 'external-id' }, [x.scheme + ' ', value]));
    });
  }

  // ---- The network (cytoscape) ----------------------------------------------------

  var cy = null;
  var highlighted = null; // id of the highlighted edge

  var GRAPH_HINT = 'Click a node to open that entity. Hover or focus a relation (in the graph: ' +
    'focus it, then the arrow keys; Enter opens the other end) for its label and type.';

  var KIND_COLOURS = { ACTOR: '#2f64c4', ORGANISATION: '#c77a0a', REGION: '#7e4bb5' };

  function graphStyle() {
    return [
      {
        selector: 'node',
        style: {
          'background-color': '#888',
          'label': 'data(name)',
          'color': '#1d2330',
          'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
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
          'border-color': '#ffffff'
        }
      },
      { selector: 'node[kind = "ACTOR"]', style: { 'background-color': KIND_COLOURS.ACTOR } },
      { selector: 'node[kind = "ORGANISATION"]', style: { 'background-color': KIND_COLOURS.ORGANISATION, 'shape': 'round-rectangle' } },
      { selector: 'node[kind = "REGION"]', style: { 'background-color': KIND_COLOURS.REGION, 'shape': 'diamond' } },
      {
        selector: 'node.centre',
        style: { 'width': 46, 'height': 46, 'border-width': 4, 'border-color': '#1d2330', 'font-weight': 'bold', 'font-size': 15 }
      },
      { selector: 'node.hover', style: { 'border-color': '#1d2330', 'border-width': 3 } },
      {
        selector: 'edge',
        style: {
          'width': 3,
          'curve-style': 'bezier',
          'control-point-step-size': 60,
          'line-color': '#2e7d4f',
          'target-arrow-color': '#2e7d4f',
          'target-arrow-shape': 'triangle',
          'arrow-scale': 1.1,
          'label': 'data(short)',
          'font-family': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
          'font-size': 11,
          'color': '#1d2330',
          'text-rotation': 'autorotate',
          'text-wrap': 'wrap',
          'text-max-width': 120,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.9,
          'text-background-padding': 2,
          'text-background-shape': 'round-rectangle'
        }
      },
      { selector: 'edge[?symmetric]', style: { 'target-arrow-shape': 'none' } },
      { selector: 'edge[status = "ACTIVE"]', style: { 'line-style': 'solid', 'line-color': '#2e7d4f', 'target-arrow-color': '#2e7d4f' } },
      {
        selector: 'edge[status = "SUSPENDED"]',
        style: { 'line-style': 'dashed', 'line-dash-pattern': [9, 5], 'line-color': '#c62828', 'target-arrow-color': '#c62828' }
      },
      {
        selector: 'edge[status = "PROPOSED"]',
        style: { 'line-style': 'dotted', 'line-color': '#3d5a80', 'target-arrow-color': '#3d5a80' }
      },
      { selector: 'edge[status = "ENDED"]', style: { 'line-style': 'solid', 'line-color': '#a3a9b3', 'target-arrow-color': '#a3a9b3' } },
      // The dates allow more than one status that day.
      {
        selector: 'edge[status = "EITHER"]',
        style: { 'line-color': '#b26a00', 'target-arrow-color': '#b26a00' }
      },
      // Only possibly so (a fuzzy date makes the day uncertain): fainter, broken.
      {
        selector: 'edge.possible',
        style: { 'line-opacity': 0.5, 'line-style': 'dashed', 'line-dash-pattern': [3, 5], 'color': '#4a5160' }
      },
      { selector: 'edge.compact', style: { 'label': '' } },
      {
        selector: 'edge.highlight',
        style: { 'width': 6, 'font-weight': 'bold', 'z-index': 10, 'line-opacity': 1 }
      }
    ];
  }

  function ensureGraph() {
    if (cy) return cy;
    if (typeof cytoscape !== 'function') {
      showError(new Error('The graph library did not load from /explore/vendor/cytoscape.min.js'), 'Network');
      return null;
    }
    cy = cytoscape({
      container: $('graph'),
      elements: [],
      style: graphStyle(),
      layout: { name: 'preset' },
      minZoom: 0.3,
      maxZoom: 2.5,
      boxSelectionEnabled: false,
      autounselectify: true
    });
    // A click on a node opens that entity.
    cy.on('tap', 'node', function (event) {
      var slug = event.target.data('slug');
      if (slug && slug !== state.slug) openEntity(slug, { push: true });
    });
    cy.on('mouseover', 'node', function (event) {
      event.target.addClass('hover');
      $('graph').classList.add('pointer');
    });
    cy.on('mouseout', 'node', function (event) {
      event.target.removeClass('hover');
      $('graph').classList.remove('pointer');
    });
    cy.on('mouseover', 'edge', function (event) { highlightEdge(event.target.id()); });
    cy.on('mouseout', 'edge', function () { highlightEdge(null); });

    // Keep the drawing fitted when the panel changes size.
    if (typeof ResizeObserver === 'function') {
      var refit = debounce(layoutGraph, 100);
      new ResizeObserver(refit).observe($('graph'));
    }
    return cy;
  }

  // Places the open entity in the middle and every other end on a ring
  // around it (first at the top left), the ring sized to the box and wide
  // enough for its labels; then fits the drawing, never blowing a small
  // network up past its natural size. Runs again when the box changes size.
  function layoutGraph() {
    cy.resize();
    var box = $('graph');
    var others = cy.nodes().filter(function (n) { return !n.hasClass('centre'); });
    var side = Math.min(box.clientWidth, box.clientHeight);
    var room = side / 2 - 30;
    var radius = Math.max(Math.min(210, Math.max(110, room)), others.length * 95 / (2 * Math.PI));
    var positions = {};
    others.forEach(function (node, i) {
      var angle = -3 * Math.PI / 4 + i * 2 * Math.PI / Math.max(1, others.length);
      positions[node.id()] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
    cy.layout({
      name: 'preset',
      positions: function (node) { return positions[node.id()] || { x: 0, y: 0 }; },
      fit: false
    }).run();
    // A small box has no room for edge labels: the line styles, the line
    // under the graph and the table still say each status.
    cy.edges().toggleClass('compact', side < 400);
    cy.fit(undefined, 45);
    if (cy.zoom() > 1) cy.zoom(1);
    cy.center(cy.nodes('.centre'));
  }

  // Highlights one edge (and its row), with its label, type and status in the tip.
  function highlightEdge(id) {
    var tip = $('graph-tip');
    if (cy) cy.edges().removeClass('highlight');
    Array.prototype.forEach.call($('relations-body').querySelectorAll('tr.highlight'), function (row) {
      row.classList.remove('highlight');
    });
    highlighted = id;
    tip.classList.toggle('active', Boolean(id));
    if (!id) {
      tip.textContent = GRAPH_HINT;
      return;
    }
    var entry = state.relations.filter(function (r) { return r.relation.id === id; })[0];
    if (!entry) return;
    var row = $('relations-body').querySelector('tr[data-id="' + CSS.escape(id) + '"]');
    if (row) row.classList.add('highlight');
    tip.textContent = entry.long;
    if (cy) cy.getElementById(id).addClass('highlight');
  }

  function renderNetwork(entity, day) {
    var relations = entity.relations.edges.map(function (edge) {
      var relation = edge.node;
      var other = relation.source.slug === entity.slug ? relation.target : relation.source;
      var answer = statusOnDay(relation);
      var status = statusText(answer);
      return {
        relation: relation,
        other: other,
        answer: answer,
        short: status,
        long: relation.label + ' (' + relation.type + ') — ' + relation.source.name +
          (relation.symmetric ? ' – ' : ' → ') + relation.target.name + ': ' + status + ' on ' + formatDay(day)
      };
    });
    state.relations = relations;
    renderRelationsTable(entity, relations, day);

    var empty = $('graph-empty');
    empty.hidden = relations.length > 0;
    empty.textContent = relations.length > 0 ? '' : 'No relation of ' + entity.name + ' holds on ' + formatDay(day) + '.';
    $('graph').setAttribute('aria-label', 'Network of the relations of ' + entity.name + ' on ' + formatDay(day) + ': ' +
      (relations.length === 0 ? 'none.' : relations.map(function (r) { return r.long; }).join('; ') + '.'));

    if (!ensureGraph()) return;
    var nodes = {};
    nodes[entity.slug] = { data: { id: 'n:' + entity.slug, slug: entity.slug, name: entity.name, kind: entity.kind }, classes: 'centre' };
    var edges = relations.map(function (r) {
      [r.relation.source, r.relation.target].forEach(function (end) {
        if (!nodes[end.slug]) nodes[end.slug] = { data: { id: 'n:' + end.slug, slug: end.slug, name: end.name, kind: end.kind } };
      });
      return {
        data: {
          id: r.relation.id,
          source: 'n:' + r.relation.source.slug,
          target: 'n:' + r.relation.target.slug,
          status: !r.answer ? 'ENDED' : r.answer.alternatives.length > 0 ? 'EITHER' : r.answer.status,
          symmetric: r.relation.symmetric,
          short: r.short,
          long: r.long
        },
        classes: r.answer && r.answer.certain ? '' : 'possible'
      };
    });
    cy.batch(function () {
      cy.elements().remove();
      cy.add(Object.keys(nodes).map(function (k) { return nodes[k]; }).concat(edges));
    });
    layoutGraph();
    highlightEdge(null);
    $('graph').setAttribute('data-date', day);
  }

  function renderRelationsTable(entity, relations, day) {
    var body = $('relations-body');
    clear(body);
    var total = entity.relations.totalCount;
    $('relations-caption').textContent = 'Relations of ' + entity.name + ' on ' + formatDay(day) +
      (total > relations.length ? ' (the first ' + relations.length + ' of ' + total + ')' : '');
    if (relations.length === 0) {
      body.appendChild(el('tr', {}, [el('td', { colspan: '4', class: 'none', text: 'None holds on this day.' })]));
    }
    relations.forEach(function (r) {
      var a = r.answer;
      var open = el('button', { type: 'button', class: 'link-button', 'data-slug': r.other.slug }, [
        el('span', { class: 'dot kind-' + r.other.kind.toLowerCase(), 'aria-hidden': 'true' }),
        r.other.name
      ]);
      open.addEventListener('click', function () { openEntity(r.other.slug, { push: true, focus: true }); });
      var statusCell = el('td', { class: 'status-cell' }, [
        a && !a.certain && a.alternatives.length === 0 ? el('span', { class: 'possibly', text: 'possibly ' }) : null,
        el('span', {
          class: 'status status-' + (a ? a.status.toLowerCase() : 'none') + (a && !a.certain ? ' uncertain' : ''),
          'data-status': a ? a.status : '',
          text: a ? a.status : 'no status'
        }),
        a && a.alternatives.length > 0
          ? el('span', { class: 'possibly', text: ' or ' + a.alternatives.join(' or ') })
          : null,
        a ? el('span', {
          class: 'certainty',
          text: a.certain ? 'certain on this day' : 'not certain on this day: a date is fuzzy'
        }) : null
      ]);
      var row = el('tr', {
        tabindex: '0',
        'data-id': r.relation.id,
        'data-relation': r.relation.label,
        'data-status': a ? a.status : '',
        'data-certain': a ? String(a.certain) : 'false',
        'data-possible': a ? [a.status].concat(a.alternatives).join(' ') : '',
        'aria-label': r.long
      }, [
        el('td', {}, [
          el('span', { class: 'rel-label', text: r.relation.label }),
          el('span', { class: 'rel-meta', text: r.relation.type + ' · ' + r.relation.source.name +
            (r.relation.symmetric ? ' – ' : ' → ') + r.relation.target.name })
        ]),
        el('td', {}, [open]),
        statusCell,
        el('td', { class: 'since', text: a ? formatPeriod(a.period) : '' })
      ]);
      row.addEventListener('mouseenter', function () { highlightEdge(r.relation.id); });
      row.addEventListener('mouseleave', function () { highlightEdge(null); });
      row.addEventListener('focus', function () { highlightEdge(r.relation.id); });
      row.addEventListener('blur', function () { highlightEdge(null); });
      body.appendChild(row);
    });
    body.setAttribute('data-date', day);
  }

  // Arrow keys on the focused graph walk through its edges; Enter opens the
  // other end of the highlighted one.
  function setupGraphKeys() {
    var graph = $('graph');
    graph.setAttribute('tabindex', '0');
    graph.addEventListener('keydown', function (event) {
      var ids = state.relations.map(function (r) { return r.relation.id; });
      if (ids.length === 0) return;
      var index = ids.indexOf(highlighted);
      if (event.key === 'ArrowRight' || event.key === 'ArrowDown') {
        event.preventDefault();
        highlightEdge(ids[(index + 1) % ids.length]);
      } else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') {
        event.preventDefault();
        highlightEdge(ids[(index - 1 + ids.length) % ids.length]);
      } else if (event.key === 'Enter' && index >= 0) {
        event.preventDefault();
        openEntity(state.relations[index].other.slug, { push: true });
      } else if (event.key === 'Escape') {
        highlightEdge(null);
      }
    });
    graph.addEventListener('blur', function () { highlightEdge(null); });
  }

  // ---- The timeline ---------------------------------------------------------------------

  function loadTimeline() {
    var slug = state.slug;
    var variables = { slug: slug, first: TIMELINE_FIRST };
    setQueryLink('timeline-query-link', TIMELINE_QUERY, variables);
    var seq = ++state.timelineSeq;
    state.timeline = [];
    clear($('timeline'));
    $('timeline-status').textContent = 'Loading the timeline…';
    return gql(TIMELINE_QUERY, variables).then(function (data) {
      if (seq !== state.timelineSeq) return;
      var entries = data.entity ? data.entity.timeline : [];
      // Oldest first (the API already orders them; keep it stable regardless).
      entries = entries.map(function (e, i) { return { e: e, i: i }; }).sort(function (x, y) {
        return x.e.date.earliest < y.e.date.earliest ? -1 : x.e.date.earliest > y.e.date.earliest ? 1 : x.i - y.i;
      }).map(function (x) { return x.e; });
      state.timeline = entries;
      renderTimeline(entries);
    }, function (err) {
      if (seq !== state.timelineSeq) return;
      $('timeline-status').textContent = 'The timeline could not be loaded.';
      showError(err, 'Timeline of ' + slug);
    });
  }

  function subjectId(entry) {
    return (entry.relation && entry.relation.id) || (entry.event && entry.event.id) ||
      (entry.statement && entry.statement.id) || null;
  }

  function renderTimeline(entries) {
    var list = $('timeline');
    clear(list);
    $('timeline-status').textContent = entries.length === 0 ? 'Nothing recorded.' :
      entries.length + (entries.length === 1 ? ' entry' : ' entries') + ', oldest first' +
      (entries.length >= TIMELINE_FIRST ? ' (the first ' + TIMELINE_FIRST + ')' : '') + '.';
    entries.forEach(function (entry, i) {
      var panelId = 'citations-' + i;
      var button = el('button', {
        type: 'button',
        class: 'cite-button',
        'aria-expanded': 'false',
        'aria-controls': panelId,
        text: 'Citations'
      });
      var panel = el('div', { id: panelId, class: 'citations', hidden: true });
      var item = el('li', {
        class: 'entry kind-' + entry.kind.toLowerCase().replace('_', '-'),
        'data-kind': entry.kind,
        'data-earliest': entry.date.earliest
      }, [
        el('div', { class: 'entry-head' }, [
          el('span', { class: 'entry-date' }, [fuzzyElement(entry.date)]),
          el('span', { class: 'entry-kind', text: TIMELINE_KIND_NAMES[entry.kind] || entry.kind })
        ]),
        el('p', { class: 'entry-title' }, [
          entry.title,
          entry.statement && entry.statement.speaker
            ? el('span', { class: 'speaker', text: ' — ' + entry.statement.speaker.name })
            : null
        ]),
        subjectId(entry) ? button : null,
        panel
      ]);
      button.addEventListener('click', function () { toggleCitations(entry, button, panel); });
      list.appendChild(item);
    });
    markTimelineDate();
  }

  // Dims the entries after the chosen day, so the network's day is visible here too.
  function markTimelineDate() {
    Array.prototype.forEach.call($('timeline').querySelectorAll('li.entry'), function (item) {
      item.classList.toggle('after-date', item.getAttribute('data-earliest') > state.date);
    });
  }

  function toggleCitations(entry, button, panel) {
    var open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? 'Hide citations' : 'Citations';
    panel.hidden = !open;
    if (!open || panel.getAttribute('data-loaded') === 'true') return;
    var variables = { id: subjectId(entry), first: CITATIONS_FIRST };
    clear(panel);
    panel.appendChild(el('p', { class: 'hint', text: 'Loading citations…' }));
    gql(CITATIONS_QUERY, variables).then(function (data) {
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
          text: 'query'
        })
      ]));
    }, function (err) {
      clear(panel);
      panel.appendChild(el('p', { class: 'none', text: 'The citations could not be loaded.' }));
      showError(err, 'Citations');
    });
  }

  // Words in quotation marks, unless the source already put them there.
  function quoted(text) {
    return /^["“‘']/.test(text) ? text : '“' + text + '”';
  }

  function citationList(citations) {
    if (!citations || citations.length === 0) return el('p', { class: 'none', text: 'No citation recorded.' });
    return el('ul', { class: 'citation-list' }, citations.map(function (c) {
      var article = c.article;
      var title = article.url && /^https?:\/\//.test(article.url)
        ? el('a', { href: article.url, rel: 'noopener noreferrer', target: '_blank' }, [el('cite', { text: article.title })])
        : el('cite', { text: article.title });
      return el('li', { class: 'citation' }, [
        c.quote ? el('blockquote', { class: 'quote', text: quoted(c.quote) }) : null,
        el('p', { class: 'source' }, [
          title,
          ', ' + article.publisher + ', ',
          el('time', { datetime: article.publishedAt, text: formatPublished(article.publishedAt) })
        ])
      ]);
    }));
  }

  function renderCitations(entry, node, panel) {
    if (!node) {
      panel.appendChild(el('p', { class: 'none', text: 'This fact is no longer in the knowledge base.' }));
      return;
    }
    if (node.__typename === 'Relation') {
      // The status periods this entry records: those that start on its date.
      var periods = node.history.filter(function (p) { return p.from && p.from.edtf === entry.date.edtf; });
      var matching = periods.filter(function (p) { return entry.title.slice(-p.status.length) === p.status; });
      if (matching.length > 0) periods = matching;
      if (periods.length === 0) periods = node.history;
      periods.forEach(function (p) {
        panel.appendChild(el('p', { class: 'citation-subject' }, [
          node.label + ': ',
          el('span', { class: 'status status-' + p.status.toLowerCase(), text: p.status }),
          ' ' + formatPeriod(p)
        ]));
        panel.appendChild(citationList(p.citations));
      });
    } else if (node.__typename === 'Event') {
      if (node.summary) panel.appendChild(el('p', { class: 'citation-subject', text: node.summary }));
      panel.appendChild(citationList(node.citations));
    } else if (node.__typename === 'Statement') {
      if (node.quote) {
        panel.appendChild(el('blockquote', { class: 'statement-quote', text: quoted(node.quote) }));
      }
      panel.appendChild(el('p', { class: 'citation-subject', text: node.speaker.name + ': ' + node.summary }));
      panel.appendChild(citationList(node.citations));
    }
  }

  // ---- Start ------------------------------------------------------------------------------

  function restoreFromUrl() {
    var wanted = readUrl();
    state.date = wanted.date || state.date || DEFAULT_DATE;
    showDate(state.date);
    if (wanted.entity) {
      openEntity(wanted.entity, { push: false });
    } else {
      state.slug = null;
      $('entity').hidden = true;
      $('intro').hidden = false;
    }
  }

  function start() {
    if (!window.fetch || !window.URLSearchParams) {
      $('messages').hidden = false;
      $('messages').textContent = 'This browser is too old for the explorer.';
      return;
    }
    setupSearch();
    setupDate();
    setupGraphKeys();
    setQueryLink('network-query-link', ENTITY_QUERY, { slug: '', asOf: state.date, first: RELATIONS_FIRST });
    setQueryLink('timeline-query-link', TIMELINE_QUERY, { slug: '', first: TIMELINE_FIRST });
    window.addEventListener('popstate', restoreFromUrl);
    restoreFromUrl();
    if (!state.slug) $('search-input').focus();
  }

  start();
})();
