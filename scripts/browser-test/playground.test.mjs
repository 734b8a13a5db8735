// Real-browser test of the GraphQL playground served by the API.
//
//   KB_URL=http://127.0.0.1:8123 node scripts/browser-test/playground.test.mjs
//
// Drives Debian's /usr/bin/chromium (headless) through playwright-core, which
// never downloads a browser of its own. Checks that:
//   * GET /graphql as a browser navigation (Accept: text/html) serves the
//     GraphiQL playground, with the default NatoRussiaRelations query,
//   * pressing the run button POSTs to /graphql (JSON, graphql-response+json)
//     and the result pane shows "NATO–Russia Council" and "SUSPENDED",
//   * GET / serves the same playground,
//   * every request the browser makes stays on the KB_URL origin (no CDN,
//     no remote fonts); data: URLs are allowed,
//   * no uncaught page errors and no failed/4xx/5xx asset requests.
// Saves a screenshot to ${SCREENSHOT_DIR:-/tmp}/playground.png.
// Ends with "1 passed, 0 failed" (exit 0) or "0 passed, 1 failed" (exit 1).

import { STEP_TIMEOUT_MS, baseUrl, fail, makeLog, runTest, screenshots, withBrowser } from './harness.mjs';

const TITLE = 'International relations knowledge base — GraphQL playground';
const EXPECTED_IN_RESULT = ['NATO–Russia Council', 'SUSPENDED'];

const log = makeLog('playground');

// GraphiQL 4.x DOM (graphiql@4.1.2).
const SEL = {
  container: '.graphiql-container',
  queryEditor: '.graphiql-query-editor .CodeMirror',
  executeButton: 'button.graphiql-execute-button',
  resultPane: '.graphiql-response .result-window',
  resultEditor: '.graphiql-response .result-window .CodeMirror',
};

// Text of the CodeMirror 5 editor matched by `selector` (getValue() sees the
// whole document, unlike the DOM, which only holds the visible lines).
async function editorText(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    if (el.CodeMirror && typeof el.CodeMirror.getValue === 'function') {
      return el.CodeMirror.getValue();
    }
    return el.textContent;
  }, selector);
}

// Loads `url` as a top-level navigation and waits for the GraphiQL editor.
async function openPlayground(page, url) {
  log(`opening ${url}`);
  const response = await page.goto(url, { waitUntil: 'load', timeout: STEP_TIMEOUT_MS });
  if (!response) fail(`no response for ${url}`);
  if (response.status() !== 200) {
    fail(`${url} answered HTTP ${response.status()} to a browser navigation (want 200)`);
  }
  const contentType = response.headers()['content-type'] || '';
  if (!contentType.startsWith('text/html')) {
    fail(`${url} answered Content-Type "${contentType}" to a browser navigation (want text/html)`);
  }
  const body = await response.text();

  try {
    await page.waitForSelector(SEL.container, { state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.waitForSelector(SEL.queryEditor, { state: 'visible', timeout: STEP_TIMEOUT_MS });
  } catch (err) {
    fail(`GraphiQL did not render at ${url}: ${err.message.split('\n')[0]}`);
  }
  const title = await page.title();
  if (title !== TITLE) fail(`page title at ${url} is "${title}", want "${TITLE}"`);

  const query = await editorText(page, SEL.queryEditor);
  if (!query || !query.includes('query NatoRussiaRelations') || !query.includes('relations(between: ["nato", "russia"]')) {
    fail(`query editor at ${url} does not hold the default NatoRussiaRelations query; it holds:\n${query}`);
  }
  return body;
}

async function run() {
  const origin = baseUrl().origin;
  const screenshotPath = (await screenshots())('playground.png');

  // /graphql may legitimately answer 4xx with a GraphQL error body; the
  // result check below catches that. Anything else must succeed.
  const isGraphqlPost = (res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/graphql';

  const options = { name: 'playground', origin, log, consoleErrors: 'log', allowHttpError: isGraphqlPost };
  await withBrowser(options, async ({ page, traffic }) => {
    // 1. /graphql as a browser navigation serves the playground.
    const graphqlHtml = await openPlayground(page, `${origin}/graphql`);

    // 2. Run the default query.
    log(`clicking ${SEL.executeButton}`);
    await page.click(SEL.executeButton, { timeout: STEP_TIMEOUT_MS });
    try {
      await page.waitForFunction(
        ({ sel, expected }) => {
          const el = document.querySelector(sel);
          if (!el) return false;
          const text = el.CodeMirror && el.CodeMirror.getValue ? el.CodeMirror.getValue() : el.textContent;
          return expected.every((s) => text.includes(s));
        },
        { sel: SEL.resultEditor, expected: EXPECTED_IN_RESULT },
        { timeout: STEP_TIMEOUT_MS, polling: 100 },
      );
    } catch {
      const shown = await editorText(page, SEL.resultEditor);
      await page.screenshot({ path: screenshotPath, fullPage: false }).catch(() => {});
      fail(
        `result pane never showed ${EXPECTED_IN_RESULT.map((s) => JSON.stringify(s)).join(' and ')} ` +
          `(screenshot: ${screenshotPath}); it shows:\n${shown === null ? '(no result editor)' : shown.slice(0, 4000)}`,
      );
    }
    const result = await editorText(page, SEL.resultEditor);
    log(`result pane holds ${result.length} characters including ${EXPECTED_IN_RESULT.join(' and ')}`);

    // The run button must have POSTed the named operation as JSON to /graphql.
    const posts = traffic.requests.filter(
      (r) => r.method === 'POST' && r.url === `${origin}/graphql` && (r.headers['content-type'] || '').startsWith('application/json'),
    );
    const runPost = posts.find((r) => {
      const accept = r.headers.accept || '';
      return accept.includes('application/graphql-response+json') && accept.includes('application/json');
    });
    if (!runPost) {
      fail(`no POST ${origin}/graphql with Content-Type application/json and Accept application/graphql-response+json, application/json was seen`);
    }

    await page.screenshot({ path: screenshotPath, fullPage: false });
    log(`screenshot saved to ${screenshotPath}`);

    // 3. The root page serves the same playground.
    const rootHtml = await openPlayground(page, `${origin}/`);
    // Byte-identical apart from any per-response CSP nonce.
    const normalise = (html) => html.replace(/\snonce="[^"]*"/g, '');
    if (normalise(rootHtml) !== normalise(graphqlHtml)) {
      fail(`${origin}/ does not serve the same page as ${origin}/graphql`);
    }

    // 4. Every request stayed on the server's origin, the page loaded its
    //    own copies of React and GraphiQL, and nothing failed on the way.
    traffic.assertSameOrigin();
    traffic.assertLoaded([
      '/playground/react.production.min.js',
      '/playground/react-dom.production.min.js',
      '/playground/graphiql.min.js',
      '/playground/graphiql.min.css',
      '/playground/start.js',
    ]);
    traffic.assertNoProblems('loading the playground');
    traffic.logRequests();
  });
}

await runTest(
  'playground',
  'GraphiQL at /graphql and / runs the default query, all requests same-origin',
  run,
);
