// Uses the citizens' pages in Debian's chromium with JavaScript turned off
// and reports, as JSON, what each offered: the dataset search, a dataset's
// page (its preview table and downloads), the events, the photo archive and
// its search, and the map's nearest-site form, sent as a person would (the
// point typed in, the hazard chosen, the button pressed).
// Usage: node nojs.mjs URL QUERY DATASET PHOTO_QUERY LAT LON HAZARD
import { chromium } from 'playwright-core';

const [base, query, dataset, photoQuery, lat, lon, hazard] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [] };
try {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const count = (sel) => page.locator(sel).count();

  // The search, from the home page's form.
  await page.goto(base + '/');
  await page.fill('input#q', query);
  await Promise.all([page.waitForURL(/\/datasets\?/), page.click('form[role="search"] button[type="submit"]')]);
  report.search = { url: page.url(), results: await page.$$eval('ol.datasets h2 a', (as) => as.map((a) => a.getAttribute('href'))) };

  await page.goto(`${base}/datasets/${dataset}`);
  report.dataset = {
    rows: await count('.table-wrap table tbody tr'),
    downloads: await page.$$eval('ul.downloads a[href]', (as) => as.map((a) => a.getAttribute('href'))),
  };

  await page.goto(base + '/events');
  report.events = await count('ul.events > li');

  await page.goto(base + '/photos');
  report.photos = await count('ul.gallery > li');
  await page.fill('#photo-q', photoQuery);
  await Promise.all([page.waitForURL(/\/photos\?/), page.click('form.photo-search button[type="submit"]')]);
  report.photoSearch = { url: page.url(), results: await count('ul.gallery > li') };

  await page.goto(base + '/map');
  report.mapLayers = await count('ul.legend > li');
  report.quickShown = await page.locator('#quick').isVisible();
  await page.selectOption('#hazard', hazard);
  await page.fill('#lat', lat);
  await page.fill('#lon', lon);
  await Promise.all([page.waitForURL(/\/map\?/), page.click('#nearest-form button[type="submit"]')]);
  report.map = {
    url: page.url(),
    result: (await page.textContent('#nearest-result')).trim(),
    sites: await page.$$eval('ol.near li a', (as) => as.map((a) => a.textContent.trim())),
  };
} catch (e) {
  report.errors.push(String(e));
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
