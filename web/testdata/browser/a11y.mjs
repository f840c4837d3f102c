// Checks pages with axe-core in Debian's chromium against the WCAG 2.0,
// 2.1 and 2.2 A and AA rules, and reports, as JSON, each page's violations
// (rule, impact, the elements). Usage: node a11y.mjs URL...
//
// A11Y_WIDTHS (default 1280): the viewport widths, comma-separated; each
// page is checked at each, and the report lists what overflows the width. A11Y_SCREENSHOTS: a folder to write a full-page
// screenshot of each page at each width into (NAME-WIDTH.png, NAME from
// the URL's path and query).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const reports = [];
try {
  const widths = (process.env.A11Y_WIDTHS || '1280').split(',').map(Number);
  const shots = process.env.A11Y_SCREENSHOTS;
  if (shots) mkdirSync(shots, { recursive: true });
  for (const width of widths) {
    // axe is injected as a script: the pages' policy (script-src 'self')
    // is bypassed for it alone; the pages' own scripts run as usual.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
    for (const url of process.argv.slice(2)) {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      if (await page.$('#map')) {
        // The map is drawn (or has given up on the base map) first.
        await page.waitForSelector('#map[data-ready="true"]', { timeout: 15000 }).catch(() => {});
      }
      if (shots) {
        await page.screenshot({ path: join(shots, `${shotName(url)}-${width}.png`), fullPage: true });
      }
      await page.addScriptTag({ path: axePath });
      const result = await page.evaluate(() => axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      }));
      reports.push({
        url,
        width,
        overflow: await page.evaluate(overflowing, width),
        passes: result.passes.length,
        violations: result.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
        })),
      });
      await page.close();
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(reports));

// overflowing lists (up to five of) the elements that reach past the
// viewport's width outside any scrolling box: what makes a page scroll
// sideways, against WCAG 1.4.10 (reflow), which axe does not check.
function overflowing(width) {
  if (document.documentElement.scrollWidth <= width) return [];
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.getBoundingClientRect().right <= width + 1) continue;
    let p = el.parentElement;
    while (p && !['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) p = p.parentElement;
    if (p) continue;
    const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    out.push(el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + cls);
    if (out.length === 5) break;
  }
  return out;
}

// shotName is a file name for a page: its path and query, with anything
// but letters, digits, "-" and "." made "_".
function shotName(url) {
  const u = new URL(url);
  const path = u.pathname === '/' ? 'home' : u.pathname.slice(1);
  return decodeURIComponent(path + u.search).replace(/[^\p{L}\p{N}.-]+/gu, '_').slice(0, 120);
}
