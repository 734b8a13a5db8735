// Real-browser test of the explorer page (/explore) served by the API.
//
//   KB_URL=http://127.0.0.1:8123 node scripts/browser-test/explorer.test.mjs
//
// Drives Debian's /usr/bin/chromium (headless) through playwright-core, which
// never downloads a browser of its own, against a freshly seeded database.
// Checks that:
//   * /explore loads; typing "nato" in the search box lists NATO, and the
//     keyboard (ArrowDown, Enter) opens it,
//   * with the date input at 2008-08-01 the relations list reads the
//     NATO–Russia Council as "SUSPENDED or ACTIVE", not certain (the API's
//     answer: the suspension is dated only to August 2008), and its edge is
//     drawn as either,
//   * moving the slider (arrow keys) to 2008-09-01 turns it SUSPENDED, certain,
//     its edge SUSPENDED, and the network's accessible text says so,
//   * a timeline entry's citations open and show the quote and the article
//     title "Nato cools relations with Russia",
//   * the URL holds entity=nato and date=2008-09-01, and reloading it restores
//     the same view,
//   * the network's "query" link opens that exact query and its variables in
//     the GraphiQL playground,
//   * every request stays on the KB_URL origin; no page errors, no console
//     errors (CSP violations are console errors), no failed or 4xx/5xx responses.
// Saves ${SCREENSHOT_DIR:-/tmp}/explore-before.png (2008-08-01),
// explore-after.png (2008-09-01) and explore-narrow.png (a 700px-wide window).
// Ends with "1 passed, 0 failed" (exit 0) or "0 passed, 1 failed" (exit 1).

import { STEP_TIMEOUT_MS, baseUrl, fail, makeLog, runTest, screenshots, withBrowser } from './harness.mjs';

const COUNCIL = 'NATO–Russia Council';
const ARTICLE_TITLE = 'Nato cools relations with Russia';
const QUOTE = 'could not see how the Nato-Russia Council';
const BEFORE = '2008-08-01';
const AFTER = '2008-09-01';

// The page's ES modules (main.js imports the rest); each must load.
const EXPLORER_MODULES = [
  'main.js', 'api.js', 'queries.js', 'state.js', 'dates.js', 'dom.js', 'messages.js',
  'search.js', 'entity.js', 'relations.js', 'network.js', 'timeline.js', 'citations.js',
];

const SEL = {
  searchInput: '#search-input',
  result: (slug) => `#search-results [role=option][data-slug="${slug}"]`,
  entityName: '#entity-name',
  dateInput: '#date-input',
  dateRange: '#date-range',
  relationsBody: '#relations-body',
  councilRow: `#relations-body tr[data-relation="${COUNCIL}"]`,
  graph: '#graph',
  graphCanvas: '#graph canvas',
  timeline: '#timeline',
  messages: '#messages',
  networkQueryLink: '#network-query-link',
  playgroundQueryEditor: '.graphiql-query-editor .CodeMirror',
  playgroundVariablesEditor: '.graphiql-editor-tool .CodeMirror',
};

const log = makeLog('explorer');

// Waits for `predicate(arg)` in the page; on timeout fails with `what` and
// the visible message area, so API errors shown on the page are reported.
async function waitFor(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: STEP_TIMEOUT_MS, polling: 100 });
  } catch {
    const messages = await page.textContent(SEL.messages).catch(() => null);
    fail(`timed out waiting for ${what}${messages && messages.trim() ? `; the page's message area says: ${messages.trim()}` : ''}`);
  }
}

// The council's row once the list shows `day`: { status, certain, text }.
async function councilOn(page, day) {
  await waitFor(
    page,
    `the relations list for ${day} with the ${COUNCIL}`,
    ({ day, sel }) => {
      const body = document.querySelector('#relations-body');
      return body && body.getAttribute('data-date') === day && document.querySelector(sel) !== null &&
        document.querySelector('#graph').getAttribute('data-date') === day;
    },
    { day, sel: SEL.councilRow },
  );
  return page.$eval(SEL.councilRow, (row) => ({
    status: row.getAttribute('data-status'),
    certain: row.getAttribute('data-certain'),
    possible: row.getAttribute('data-possible'),
    text: row.innerText.replace(/\s+/g, ' ').trim(),
  }));
}

// How the network draws the council's edge (its `status` data), read from
// the cytoscape instance the library registers on its container.
async function councilEdgeStatus(page) {
  return page.evaluate((label) => {
    const reg = document.querySelector('#graph')._cyreg;
    if (!reg || !reg.cy) return null;
    const edges = reg.cy.edges().filter((e) => (e.data('long') || '').startsWith(`${label} (`));
    return edges.length === 1 ? edges[0].data('status') : `${edges.length} edges`;
  }, COUNCIL);
}

// The graph must have drawn something: some canvas pixels are not blank.
async function graphHasInk(page) {
  return page.$$eval(SEL.graphCanvas, (canvases) =>
    canvases.some((c) => {
      if (!c.width || !c.height) return false;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) return true;
      return false;
    }),
  );
}

async function run() {
  const started = Date.now();
  const origin = baseUrl().origin;
  const shot = await screenshots();

  await withBrowser({ name: 'explorer', origin, log }, async ({ page, traffic }) => {
    // 1. The page loads under its CSP.
    const url = `${origin}/explore`;
    log(`opening ${url}`);
    const response = await page.goto(url, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
    if (!response || response.status() !== 200) fail(`${url} answered HTTP ${response && response.status()} (want 200)`);
    const csp = response.headers()['content-security-policy'] || '';
    if (!csp.includes("script-src 'self'")) fail(`${url} has no strict Content-Security-Policy (got "${csp}")`);
    await page.waitForSelector(SEL.searchInput, { state: 'visible', timeout: STEP_TIMEOUT_MS });

    // 2. Search "nato" and open NATO with the keyboard.
    log('searching for "nato"');
    await page.click(SEL.searchInput);
    await page.keyboard.type('nato', { delay: 40 });
    await page.waitForSelector(SEL.result('nato'), { state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-slug'));
    if (focused === 'nato') {
      await page.keyboard.press('Enter');
    } else {
      log(`ArrowDown focused "${focused}", not NATO; clicking NATO instead`);
      await page.click(SEL.result('nato'));
    }
    await waitFor(page, 'the NATO entity view', () => {
      const name = document.querySelector('#entity-name');
      return name && name.textContent === 'NATO' && !document.querySelector('#entity').hidden;
    });
    log('NATO is open');

    // 3. 2008-08-01 through the date input: the suspension, dated "2008-08",
    //    may or may not have begun that day, so the API gives both statuses.
    await page.fill(SEL.dateInput, BEFORE);
    const before = await councilOn(page, BEFORE);
    log(`${BEFORE}: ${before.text}`);
    if (before.possible !== 'SUSPENDED ACTIVE' || before.certain !== 'false' || !before.text.includes('SUSPENDED or ACTIVE')) {
      fail(`on ${BEFORE} the ${COUNCIL} should read "SUSPENDED or ACTIVE", not certain (row: ${before.text}; possible: ${before.possible})`);
    }
    const edgeBefore = await councilEdgeStatus(page);
    if (edgeBefore !== 'EITHER') fail(`on ${BEFORE} the ${COUNCIL} edge is drawn as ${edgeBefore}, want EITHER`);
    if (!(await graphHasInk(page))) fail('the network canvas is blank');
    await page.screenshot({ path: shot('explore-before.png'), fullPage: true });
    log(`screenshot saved to ${shot('explore-before.png')}`);

    // 4. The slider, moved with the keyboard, to 2008-09-01: SUSPENDED, certain.
    await page.focus(SEL.dateRange);
    for (let i = 0; i < 31; i += 1) await page.keyboard.press('ArrowRight');
    const shownDate = await page.inputValue(SEL.dateInput);
    if (shownDate !== AFTER) fail(`31 days right on the slider from ${BEFORE} shows ${shownDate}, want ${AFTER}`);
    const after = await councilOn(page, AFTER);
    log(`${AFTER}: ${after.text}`);
    if (after.status !== 'SUSPENDED' || after.certain !== 'true') {
      fail(`on ${AFTER} the ${COUNCIL} reads ${after.status} (certain: ${after.certain}), want SUSPENDED, certain (row: ${after.text})`);
    }
    const edgeAfter = await councilEdgeStatus(page);
    if (edgeAfter !== 'SUSPENDED') fail(`on ${AFTER} the ${COUNCIL} edge is drawn as ${edgeAfter}, want SUSPENDED`);
    const graphLabel = await page.getAttribute(SEL.graph, 'aria-label');
    if (!graphLabel || !graphLabel.includes(`${COUNCIL} (council)`) || !/Council \(council\)[^;]*: SUSPENDED/.test(graphLabel)) {
      fail(`the network's accessible text does not give the ${COUNCIL} as SUSPENDED: ${graphLabel}`);
    }
    await page.screenshot({ path: shot('explore-after.png'), fullPage: true });
    log(`screenshot saved to ${shot('explore-after.png')}`);

    // 5. A timeline entry's citations (opened with the keyboard).
    const entry = page.locator('#timeline li.entry', { hasText: `${COUNCIL}: SUSPENDED` }).first();
    if ((await entry.count()) === 0) fail(`the timeline has no "${COUNCIL}: SUSPENDED" entry`);
    const button = entry.locator('button.cite-button');
    await button.focus();
    await page.keyboard.press('Enter');
    await waitFor(
      page,
      'the citations of the council’s suspension',
      ({ quote, title }) => {
        const panel = [...document.querySelectorAll('#timeline .citations[data-loaded="true"]')].find((p) => !p.hidden);
        return panel && panel.textContent.includes(quote) && panel.textContent.includes(title);
      },
      { quote: QUOTE, title: ARTICLE_TITLE },
    );
    if ((await button.getAttribute('aria-expanded')) !== 'true') fail('the citations button does not say it is expanded');
    log(`citations show "${QUOTE}…" from "${ARTICLE_TITLE}"`);

    // 6. The URL holds the state, and restores it.
    const pageUrl = new URL(page.url());
    if (pageUrl.pathname !== '/explore' || pageUrl.searchParams.get('entity') !== 'nato' || pageUrl.searchParams.get('date') !== AFTER) {
      fail(`the URL is ${page.url()}, want /explore?entity=nato&date=${AFTER}`);
    }
    log(`URL: ${page.url()}`);
    await page.goto(pageUrl.href, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
    const restored = await councilOn(page, AFTER);
    if (restored.status !== 'SUSPENDED') fail(`reloading ${pageUrl.href} shows the ${COUNCIL} as ${restored.status}`);
    if ((await page.inputValue(SEL.dateInput)) !== AFTER) fail(`reloading ${pageUrl.href} does not restore the date`);
    log('reloading the URL restores NATO on 2008-09-01');

    // 7. A narrow window stacks the network and the timeline.
    await page.setViewportSize({ width: 700, height: 1000 });
    await page.waitForTimeout(300);
    const stacked = await page.evaluate(() => {
      const network = document.querySelector('.network-panel').getBoundingClientRect();
      const timeline = document.querySelector('.timeline-panel').getBoundingClientRect();
      return timeline.top >= network.bottom - 1 && document.documentElement.scrollWidth <= window.innerWidth;
    });
    if (!stacked) fail('at 700px wide the timeline is not under the network (or the page scrolls sideways)');
    await page.screenshot({ path: shot('explore-narrow.png'), fullPage: true });
    log(`screenshot saved to ${shot('explore-narrow.png')}`);
    await page.setViewportSize({ width: 1440, height: 900 });

    const messages = await page.textContent(SEL.messages);
    if (messages && messages.trim()) fail(`the message area shows: ${messages.trim()}`);

    // 8. The network's "query" link opens that query in the playground.
    const href = await page.getAttribute(SEL.networkQueryLink, 'href');
    const link = new URL(href, origin);
    const linkedQuery = link.searchParams.get('query') || '';
    const linkedVariables = JSON.parse(link.searchParams.get('variables') || 'null');
    if (link.pathname !== '/' || !linkedQuery.includes('query ExplorerEntity') || !linkedQuery.includes('relations(asOf: $asOf')) {
      fail(`the network's query link is not the entity query: ${href}`);
    }
    if (!linkedVariables || linkedVariables.slug !== 'nato' || linkedVariables.asOf !== AFTER) {
      fail(`the network's query link has variables ${JSON.stringify(linkedVariables)}, want slug nato, asOf ${AFTER}`);
    }
    log(`opening the network's query link in the playground`);
    await page.goto(link.href, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
    await page.waitForSelector(SEL.playgroundQueryEditor, { state: 'visible', timeout: STEP_TIMEOUT_MS });
    const editors = await page.evaluate(() =>
      [...document.querySelectorAll('.CodeMirror')].map((e) => (e.CodeMirror ? e.CodeMirror.getValue() : e.textContent)),
    );
    if (!editors.some((t) => t.trim() === linkedQuery.trim())) fail('the playground did not open with the linked query');
    if (!editors.some((t) => t.includes(`"asOf": "${AFTER}"`))) fail('the playground did not open with the linked variables');
    log('the playground holds the linked query and variables');

    // 9. Same origin only, and nothing went wrong on the way.
    traffic.assertSameOrigin();
    traffic.assertLoaded([
      ...EXPLORER_MODULES.map((m) => `/explore/${m}`),
      '/explore/explore.css',
      '/explore/vendor/cytoscape.min.js',
    ]);
    traffic.assertNoProblems('using the explorer');

    const graphqlPosts = traffic.requests.filter((r) => r.method === 'POST' && r.url === `${origin}/graphql`).length;
    traffic.logRequests(`(${graphqlPosts} GraphQL POSTs)`);
    log(`took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

await runTest(
  'explorer',
  `NATO's ${COUNCIL} SUSPENDED or ACTIVE on ${BEFORE}, SUSPENDED on ${AFTER}, citations, URL state, query link, all requests same-origin`,
  run,
);
