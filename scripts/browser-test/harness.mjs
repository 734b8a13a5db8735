// Shared plumbing for the real-browser tests of the pages the API serves
// (the GraphQL playground, the explorer).
//
// Each test drives Debian's /usr/bin/chromium (headless) through
// playwright-core, which never downloads a browser of its own. This module
// gives it:
//   * TestFailure / fail(): a failed check, reported without a stack trace,
//   * makeLog(name): a logger that prefixes lines with "[NAME-test]",
//   * baseUrl(): the server under test, from KB_URL,
//   * screenshots(): where screenshots go (${SCREENSHOT_DIR:-/tmp}),
//   * withBrowser(): a fresh Chromium profile, with every request, failed
//     request, HTTP error, page error and console error recorded in a Traffic,
//   * runTest(): the overall time limit and the "1 passed, 0 failed" /
//     "0 passed, 1 failed" summary line with its exit status.

import { chromium } from 'playwright-core';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const STEP_TIMEOUT_MS = 30_000;
export const OVERALL_TIMEOUT_MS = 180_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class TestFailure extends Error {}

export function fail(message) {
  throw new TestFailure(message);
}

export function makeLog(name) {
  return (message) => console.log(`[${name}-test] ${message}`);
}

// The server under test, as given in KB_URL.
export function baseUrl() {
  const raw = process.env.KB_URL;
  if (!raw) fail('KB_URL is not set (e.g. KB_URL=http://127.0.0.1:8123)');
  let url;
  try {
    url = new URL(raw);
  } catch {
    fail(`KB_URL is not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`KB_URL must be http(s): ${raw}`);
  return url;
}

// Creates the screenshot folder and returns a function mapping a file name
// to its path there.
export async function screenshots() {
  const dir = process.env.SCREENSHOT_DIR || '/tmp';
  await mkdir(dir, { recursive: true });
  return (name) => path.join(dir, name);
}

// Everything the browser asked for, and everything that went wrong on the way.
export class Traffic {
  constructor(origin, log) {
    this.origin = origin;
    this.log = log;
    this.requests = []; // { method, url, headers }
    this.problems = []; // failed requests, HTTP errors, page errors, console errors
  }

  // Every request stayed on the server's origin (data: URLs excepted).
  assertSameOrigin() {
    const foreign = this.requests.filter((r) => {
      if (r.url.startsWith('data:')) return false;
      try {
        return new URL(r.url).origin !== this.origin;
      } catch {
        return true;
      }
    });
    if (foreign.length > 0) {
      fail(
        `the page made ${foreign.length} request(s) off ${this.origin}:\n` +
          foreign.map((r) => `  ${r.method} ${r.url}`).join('\n'),
      );
    }
  }

  // Each of `paths` (on the server's origin) was requested.
  assertLoaded(paths) {
    for (const asset of paths) {
      if (!this.requests.some((r) => r.url === `${this.origin}${asset}`)) fail(`the page never loaded ${asset}`);
    }
  }

  // Nothing went wrong while `doing` ("loading the playground", ...).
  assertNoProblems(doing) {
    if (this.problems.length > 0) {
      fail(`problems while ${doing}:\n` + this.problems.map((p) => `  ${p}`).join('\n'));
    }
  }

  // Logs the distinct method + path pairs requested; `detail` goes after the count.
  logRequests(detail = '') {
    this.log(`${this.requests.length} requests${detail ? ` ${detail}` : ''}, all to ${this.origin}:`);
    const seen = new Set();
    for (const r of this.requests) {
      const key = `${r.method} ${new URL(r.url).pathname}`;
      if (!seen.has(key)) {
        seen.add(key);
        this.log(`  ${key}`);
      }
    }
  }
}

// Launches Chromium with an empty profile of its own (no cache, cookies or
// stored playground tabs), records its traffic and calls
// `body({ context, page, traffic })`. The browser and profile are always
// removed afterwards.
//
// Options:
//   name            names the profile folder (kb-NAME-chromium-*)
//   origin, log     the server's origin and the test's logger
//   consoleErrors   'problem' (default): a console error is a problem;
//                   'log': it is only logged
//   allowHttpError  (response) => true for responses whose 4xx/5xx status the
//                   test checks itself
export async function withBrowser({ name, origin, log, consoleErrors = 'problem', allowHttpError = () => false }, body) {
  const traffic = new Traffic(origin, log);
  const userDataDir = await mkdtemp(path.join(tmpdir(), `kb-${name}-chromium-`));
  let context;
  try {
    log(`launching ${CHROMIUM}`);
    // Only a persistent context lets the user-data-dir be chosen.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
      timeout: STEP_TIMEOUT_MS,
    });

    context.on('request', (req) => {
      traffic.requests.push({ method: req.method(), url: req.url(), headers: req.headers() });
    });
    context.on('requestfailed', (req) => {
      const failure = req.failure();
      traffic.problems.push(`request failed: ${req.method()} ${req.url()} (${failure ? failure.errorText : 'unknown'})`);
    });
    context.on('response', (res) => {
      if (res.status() >= 400 && !allowHttpError(res)) {
        traffic.problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
      }
    });

    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (err) => traffic.problems.push(`uncaught page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        if (consoleErrors === 'log') log(`browser console error: ${msg.text()}`);
        else traffic.problems.push(`console error: ${msg.text()}`);
      } else if (msg.type() === 'warning') {
        log(`browser console warning: ${msg.text()}`);
      }
    });

    return await body({ context, page, traffic });
  } finally {
    if (context) await context.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}

// Runs `run()` under the overall time limit and prints the verdict:
// "ok NAME: SUMMARY" and "1 passed, 0 failed" (exit 0), or
// "FAIL NAME: why" and "0 passed, 1 failed" (exit 1).
export async function runTest(name, summary, run) {
  const overall = setTimeout(() => {
    console.error(`FAIL ${name}: timed out after ${OVERALL_TIMEOUT_MS / 1000} s`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  overall.unref();

  try {
    await run();
    console.log(`ok ${name}: ${summary}`);
    console.log('1 passed, 0 failed');
    process.exitCode = 0;
  } catch (err) {
    const message = err instanceof TestFailure ? err.message : err && err.stack ? err.stack : String(err);
    console.error(`FAIL ${name}: ${message}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  }
}
