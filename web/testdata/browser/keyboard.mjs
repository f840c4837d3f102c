// Walks the citizens' pages in Debian's chromium the way people without a
// mouse do, and reports, as JSON, each step: where the focus went and
// whether it could be seen (the focused element's computed outline or
// box-shadow). Usage: node keyboard.mjs keys|taps URL QUERY
//
// keys: from the home page with Tab, Shift+Tab, Enter and Space only (and
// the keys that type the query and choose in a list box): search for
// QUERY, open the first dataset found, reach and use a download link, go
// to the map, ask for the sites nearest to the browser's location
// (geolocation is granted and fixed by LAT and LON from the environment)
// for an earthquake, and read the answer.
//
// taps: a phone (360×740, touch) at the same location: from the home
// page, tap what is visible that leads to the nearest sites, until the
// sites nearest for an earthquake are listed; the report counts the taps.
import { chromium } from 'playwright-core';

const [mode, base, query] = process.argv.slice(2);
const geolocation = { latitude: Number(process.env.LAT), longitude: Number(process.env.LON) };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [], steps: [], sites: [] };
try {
  if (mode === 'keys') await keys();
  else if (mode === 'taps') await taps();
  else throw new Error(`unknown mode ${mode}`);
} catch (e) {
  report.errors.push(String(e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));

async function open(options) {
  const context = await browser.newContext({ permissions: ['geolocation'], geolocation, ...options });
  const page = await context.newPage();
  page.on('pageerror', (e) => report.errors.push(String(e)));
  return page;
}

// focused describes the focused element and how it shows its focus.
function focused() {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    text: (el.textContent || el.value || '').trim().slice(0, 40),
    href: el.getAttribute('href') || '',
    outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    shadow: s.boxShadow,
    visible: outline || s.boxShadow !== 'none',
  };
}

// tabTo presses key (Tab or Shift+Tab) until the focus is on an element
// that matches selector, and records the step; it fails after 300.
async function tabTo(page, step, selector, key = 'Tab') {
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press(key);
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) {
      report.steps.push({ step, presses: i + 1, ...(await page.evaluate(focused)) });
      return;
    }
  }
  throw new Error(`${step}: ${selector} not reached with ${key}`);
}

async function keys() {
  const page = await open({ viewport: { width: 1280, height: 900 } });
  await page.goto(base + '/');
  await tabTo(page, 'search box', 'input#q');
  await page.keyboard.type(query);
  await Promise.all([page.waitForURL(/\/datasets\?q=/), page.keyboard.press('Enter')]);
  await tabTo(page, 'first result', 'ol.datasets a[href^="/datasets/"]');
  await Promise.all([page.waitForURL(/\/datasets\/[^?]+$/), page.keyboard.press('Enter')]);
  await tabTo(page, 'download link', 'ul.downloads a[download]');
  // The link names the site's public address (BASE_URL), which is this
  // server.
  if (process.env.PUBLIC_URL) {
    await page.context().route((u) => u.href.startsWith(process.env.PUBLIC_URL),
      (route) => route.continue({ url: base + route.request().url().slice(process.env.PUBLIC_URL.length) }));
  }
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.keyboard.press('Enter')]);
  report.download = download.suggestedFilename();
  // Back up the page to the site's navigation.
  await tabTo(page, 'map link', 'nav a[href="/map"]', 'Shift+Tab');
  await Promise.all([page.waitForURL(/\/map$/), page.keyboard.press('Enter')]);
  // The legend's colours, which the page's policy lets only a script set.
  report.swatches = await page.$$eval('.legend .swatch', (ss) => ss.map((s) => getComputedStyle(s).backgroundColor));
  await tabTo(page, 'hazard', 'select#hazard');
  // A closed list box is chosen in with the arrow keys.
  for (let i = 0; i < 20 && (await page.inputValue('#hazard')) !== 'earthquake'; i++) await page.keyboard.press('ArrowDown');
  report.hazard = await page.inputValue('#hazard');
  await tabTo(page, 'use my location', 'button#locate');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.getElementById('lat').value !== '');
  await tabTo(page, 'find', '#nearest-form button[type="submit"]');
  await Promise.all([page.waitForURL(/hazard=earthquake/), page.keyboard.press('Enter')]);
  await answer(page);
  report.answerFocus = await page.evaluate(() => document.activeElement.id);
  // The answer's heading has the focus: the next Tab goes to the first site.
  await tabTo(page, 'first site', 'ol.near a');
}

async function taps() {
  const page = await open({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(base + '/');
  report.taps = 0;
  // tap taps the first element that matches selector, which must be
  // visible; a link's page is waited for.
  const tap = async (step, selector) => {
    const el = page.locator(selector).first();
    if (!(await el.isVisible())) throw new Error(`${step}: ${selector} is not visible`);
    const href = (await el.getAttribute('href')) || '';
    report.steps.push({ step, text: (await el.textContent()).trim().slice(0, 40), href });
    const from = page.url();
    await Promise.all([href ? page.waitForURL((u) => u.href !== from) : null, el.tap()]);
    report.taps++;
  };
  await tap('disaster link', '.disaster a');
  if (!new URL(page.url()).pathname.startsWith('/map')) await tap('map link', 'a[href^="/map"]');
  await page.waitForSelector('#quick:not([hidden])');
  await tap('earthquake', '#quick button[data-hazard="earthquake"]');
  await answer(page);
}

// answer waits for the nearest sites and lists them.
async function answer(page) {
  await page.waitForSelector('#nearest-result', { timeout: 15000 });
  report.url = page.url();
  report.result = (await page.textContent('#nearest-result')).trim();
  report.sites = await page.$$eval('ol.near li a', (as) => as.map((a) => a.textContent.trim()));
}
