// What the browser journeys share: a Chromium page per agency (its own context, so its own
// session storage and key), the checks every page must pass (no "undefined", every deadline as
// its last day, no console error), keyboard navigation, and screenshots in test-output/.
import { mkdirSync } from 'node:fs';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const SHOTS = new URL('../../test-output/screenshots/', import.meta.url);
mkdirSync(SHOTS, { recursive: true });

export interface AgencyPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions, and the API's refusals the page met (status, URL). */
  errors: string[];
  refusals: string[];
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
  await p.page.waitForFunction(() => !document.body.innerText.includes('加载中…'));
  const text = await p.page.innerText('body');
  expect(text, shot).not.toMatch(/undefined|NaN|\[object Object\]|\bnull\b/);
  const dues = await p.page.locator('td.due, .step-due').allInnerTexts();
  for (const d of dues) expect(d, shot).toMatch(/\d{4}-\d{2}-\d{2} 止/);
  await p.page.screenshot({ path: new URL(`${shot}.png`, SHOTS).pathname, fullPage: true });
}

/** Presses Tab until the element matching `selector` has the focus (keyboard only, as a clerk without a mouse). */
export async function tabTo(page: Page, selector: string, max = 300): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Picks an option of the focused <select> with the arrow keys, by its visible text. */
export async function arrowToOption(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector);
  for (let i = 0; i < 100; i += 1) {
    const current = await page.evaluate((s) => {
      const el = document.querySelector(s) as HTMLSelectElement;
      return el.selectedOptions[0]?.textContent ?? '';
    }, selector);
    if (current.includes(text)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${text} in ${selector}`);
}
