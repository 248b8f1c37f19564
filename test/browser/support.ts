// What the browser journeys share: a Chromium page per agency (its own context, so its own
// session storage and key), the checks every page must pass (no "undefined", every deadline as
// its last day, no console error), keyboard navigation, and screenshots in test-output/.
import { mkdirSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import type { DbHandle } from '../../db/client';
import { findChromium } from '../../scripts/chromium.mjs';
import { appOnEngine } from '../support/apps';
import { startDevServer, startTimeSkipping } from '../support/engine';
import { freshDatabase } from '../support/fresh-db';

export const SHOTS = new URL('../../test-output/screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });

export interface AgencyPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, and the API's refusals the page met (status, URL). */
  errors: string[];
  refusals: string[];
}

export interface Workbench {
  env: TestWorkflowEnvironment;
  dbh: DbHandle;
  app: FastifyInstance;
  browser: Browser;
  /** The app's address, e.g. http://127.0.0.1:41234 */
  base: string;
  /** The engine's clock, the API's one clock. */
  now(): Date;
  /** Lets engine time pass (timers fire, steps fall due) and moves the pages' clocks with it. */
  skip(duration: string | number, pages?: AgencyPage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The API on the engine with the real workflows, its own database, listening; and Chromium. The
 * time-skipping engine lets days pass; the dev server lists workflows (the holiday-year load
 * tells running targets through the visibility store, which the time-skipping one lacks).
 */
export async function startWorkbench(targetIdKey: string, engine: 'time-skipping' | 'dev' = 'time-skipping'): Promise<Workbench> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium: `npm test` installs Debian\'s chromium; or set CHROMIUM_PATH');
  const env = engine === 'dev' ? await startDevServer() : await startTimeSkipping();
  const dbh = await freshDatabase(inject('databaseUrl'));
  let offset = 0;
  const sync = async () => {
    offset = (await env.currentTimeMs()) - Date.now();
  };
  await sync();
  const now = () => new Date(Date.now() + offset);
  const { app, close } = await appOnEngine(env, dbh, { targetIdKey, now });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  // --lang: the date inputs read year, month, day in that order, as a clerk here sees them.
  const browser = await chromium.launch({
    executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=zh-CN'],
  });
  return {
    env, dbh, app, browser, base, now,
    async skip(duration, pages = []) {
      await env.sleep(duration);
      await sync();
      for (const p of pages) await p.context.clock.setFixedTime(now());
    },
    async close() {
      await browser.close();
      await close();
      await dbh.close();
      await env.teardown();
    },
  };
}

export async function agencyPage(browser: Browser, now: () => Date): Promise<AgencyPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'America/Los_Angeles' });
  // One clock: the page's follows the engine's, as the API's does.
  await context.clock.setFixedTime(now());
  const page = await context.newPage();
  const errors: string[] = [];
  const refusals: string[] = [];
  page.on('console', (m) => {
    // Chromium logs every 4xx answer as "Failed to load resource"; those are counted as refusals below.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) refusals.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  return { page, context, errors, refusals };
}

export async function signIn(p: AgencyPage, base: string, apiKey: string): Promise<void> {
  await p.page.goto(`${base}/#/login`);
  await p.page.fill('#api-key', apiKey);
  await p.page.keyboard.press('Enter');
  await p.page.waitForSelector('#who');
}

/**
 * The checks every page passes: nothing reads "undefined", "NaN", "null" or "[object Object]";
 * every deadline shown reads as its last day followed by 止; then a full-page screenshot.
 */
export async function checkPage(p: AgencyPage, shot: string): Promise<void> {
  await p.page.waitForFunction(() => !(globalThis as unknown as BrowserGlobals).document.body.innerText.includes('加载中…'));
  const text = await p.page.innerText('body');
  expect(text, shot).not.toMatch(/undefined|NaN|\[object Object\]|\bnull\b/);
  const dues = await p.page.locator('td.due, .step-due').allInnerTexts();
  for (const d of dues) expect(d, shot).toMatch(/\d{4}-\d{2}-\d{2} 止/);
  await p.page.screenshot({ path: new URL(`${shot}.png`, SHOTS).pathname, fullPage: true });
}

/** Presses Tab until the element matching `selector` has the focus (keyboard only, as a clerk without a mouse). */
export async function tabTo(page: Page, selector: string, max = 300): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => (globalThis as unknown as BrowserGlobals).document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Picks an option of a <select> with the arrow keys, by its visible text: down to the last, then up. */
export async function arrowToOption(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector);
  const current = () => page.evaluate((s) => {
    const el = (globalThis as unknown as BrowserGlobals).document.querySelector(s) as unknown as { selectedOptions: { textContent: string | null }[] };
    return el.selectedOptions[0]?.textContent ?? '';
  }, selector);
  for (const key of ['ArrowDown', 'ArrowUp']) {
    let last = null;
    for (let i = 0; i < 200; i += 1) {
      const now = await current();
      if (now.includes(text)) return;
      if (now === last) break;
      last = now;
      await page.keyboard.press(key);
    }
  }
  throw new Error(`no option ${text} in ${selector}`);
}

/** The little of the DOM the page functions above touch (the suites compile without the DOM's types). */
interface BrowserGlobals {
  document: {
    activeElement: { matches(selector: string): boolean } | null;
    querySelector(selector: string): unknown;
    body: { innerText: string };
  };
}

/**
 * Types a date into the focused-by-Tab <input type=date> with the keyboard: the order of its
 * parts follows Chromium's locale (month/day/year in the en-US build, year first elsewhere).
 */
export async function typeDate(page: Page, selector: string, iso: string): Promise<void> {
  const [y, m, d] = iso.split('-');
  await tabTo(page, selector);
  for (const keys of [[m, d, y], [y, 'ArrowRight', m, d]]) {
    for (const k of keys) {
      if (k === 'ArrowRight') await page.keyboard.press(k);
      else await page.keyboard.type(k);
    }
    if (await page.inputValue(selector) === iso) return;
    // Back to the first part, emptied, and try the other order.
    for (let i = 0; i < 3; i += 1) {
      await page.keyboard.press('Backspace');
      await page.keyboard.press('ArrowLeft');
    }
  }
  throw new Error(`could not type ${iso} into ${selector}`);
}
