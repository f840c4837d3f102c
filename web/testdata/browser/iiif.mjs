// Opens a IIIF Presentation 3.0 manifest in TIFY (a standard IIIF viewer,
// from npm) in Debian's chromium, the way a researcher would open one of
// the portal's manifests in a viewer hosted on another site, and reports as
// JSON what happened: the viewer's requests to the portal (manifest,
// info.json, images) with their status and type, the text the viewer shows,
// how many pages it lists, and the image it drew.
// Usage: node iiif.mjs HARNESS_URL
// The harness page (served by the Go test on its own origin) loads
// tify.js and tify.css and starts the viewer on the manifest.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [], requests: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => report.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') report.errors.push(m.text()); });
  page.on('response', (r) => {
    if (r.status() >= 400) report.errors.push(`${r.status()} ${r.url()}`);
    if (r.url().includes('/iiif/')) {
      report.requests.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] ?? '' });
    }
  });
  await page.goto(url);
  // The viewer has drawn the page's image when an image response came back
  // and OpenSeadragon's canvas is there.
  await page.waitForResponse((r) => /\/iiif\/.+\/default\.jpg$/.test(r.url()) && r.status() === 200, { timeout: 30000 });
  await page.waitForSelector('.openseadragon-canvas canvas', { state: 'attached', timeout: 30000 });
  await page.waitForTimeout(1000);
  report.text = await page.evaluate(() => document.getElementById('tify').innerText);
  report.drawn = await page.evaluate(() => {
    const c = document.querySelector('.openseadragon-canvas canvas');
    return c ? { width: c.width, height: c.height } : null;
  });
  if (process.env.ARTIFACTS) await page.screenshot({ path: `${process.env.ARTIFACTS}/iiif-viewer.png` });
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
