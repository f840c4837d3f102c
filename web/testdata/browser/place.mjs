// The clerk places a photo on the map in Debian's chromium: log in, open a
// photo's correction page, click a point of the map, and read the latitude
// and longitude the click wrote into the form; then type a point and read
// where the marker went. The page is checked with axe-core (WCAG 2.2 AA).
// Reports what it saw as JSON.
// Usage: node place.mjs BASE LOGIN PASSWORD PATH
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const [base, login, password, path] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [], violations: [] };
try {
  // CSP is bypassed only so that axe can be injected, as in clerk.mjs.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const baseMap = (s) => s.includes('cyberjapandata.gsi.go.jp') || s.includes('ERR_NAME_NOT_RESOLVED') || s.startsWith('Failed to load resource');
  page.on('pageerror', (e) => { if (!baseMap(String(e))) report.errors.push(String(e)); });
  page.on('console', (m) => { if (m.type() === 'error' && !baseMap(m.text())) report.errors.push(m.text()); });
  await page.goto(base + '/admin/login');
  await page.fill('#login-name', login);
  await page.fill('#login-password', password);
  await Promise.all([page.waitForURL(/\/admin$/), page.click('button[type="submit"]')]);
  await page.goto(base + path);
  await page.waitForSelector('#map[data-ready="true"]', { timeout: 30000 });
  await page.$eval('#map', (el) => el.scrollIntoView({ block: 'center' }));
  // A click at a known pixel: where the map says that pixel is.
  const at = await page.evaluate(() => {
    const map = window.portalMap;
    const box = map.getCanvas().getBoundingClientRect();
    // Whole page pixels: a mouse clicks no fraction of one.
    const x = Math.round(box.left + box.width * 0.3);
    const y = Math.round(box.top + box.height * 0.6);
    const ll = map.unproject([x - box.left, y - box.top]);
    return { x, y, lat: ll.lat, lon: ll.lng };
  });
  await page.mouse.click(at.x, at.y);
  report.expected = { lat: at.lat, lon: at.lon };
  report.clicked = { lat: await page.inputValue('#p-lat'), lon: await page.inputValue('#p-lon') };
  // Typed: the marker follows.
  await page.fill('#p-lat', '35.71');
  await page.fill('#p-lon', '139.56');
  await page.dispatchEvent('#p-lon', 'change');
  report.marker = await page.evaluate(() => {
    const m = document.querySelector('.maplibregl-marker');
    if (!m) return null;
    const r = m.getBoundingClientRect();
    const c = window.portalMap.getCanvas().getBoundingClientRect();
    const ll = window.portalMap.unproject([r.left + r.width / 2 - c.left, r.bottom - c.top]);
    return { lat: ll.lat, lon: ll.lng };
  });
  await page.addScriptTag({ path: axePath });
  const r = await page.evaluate(() => axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  for (const v of r.violations) report.violations.push({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) });
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
