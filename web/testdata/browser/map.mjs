// Opens the map page in Debian's chromium and reports, as JSON, what the
// map drew: for each data layer, its data's address, the features MapLibre
// rendered and the features in its source; then whether unticking a layer's
// box hides it. On a map of photos it also clicks a photo's point and
// reports the popup: its link, its thumbnail and whether that loaded.
// Usage: node map.mjs URL
import { chromium } from 'playwright-core';

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => report.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#map[data-ready="true"]', { timeout: 30000 });
  await page.evaluate(() => new Promise((ok) => (window.portalMap.loaded() ? ok() : window.portalMap.once('idle', ok))));
  report.layers = await page.evaluate(() => {
    const map = window.portalMap;
    const cfg = JSON.parse(document.getElementById('map').dataset.config);
    return cfg.layers.map((l) => ({
      id: l.id,
      url: l.url,
      rendered: new Set(map.queryRenderedFeatures({ layers: [`${l.id}-point`, `${l.id}-line`, `${l.id}-fill`] })
        .map((f) => JSON.stringify(f.geometry.coordinates))).size,
      source: map.getSource(l.id) ? map.querySourceFeatures(l.id).length : -1,
    }));
  });
  // A photo's point, clicked where the map drew it (the map scrolled into
  // view first: a click lands only inside the viewport).
  await page.$eval('#map', (el) => el.scrollIntoView({ block: 'center' }));
  const at = await page.evaluate(() => {
    const map = window.portalMap;
    const cfg = JSON.parse(document.getElementById('map').dataset.config);
    for (const l of cfg.layers) {
      const f = map.queryRenderedFeatures({ layers: [`${l.id}-point`] }).find((x) => x.properties.thumbnail);
      if (!f) continue;
      const p = map.project(f.geometry.coordinates);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }
    return null;
  });
  if (at) {
    await page.mouse.click(at.x, at.y);
    const popup = await page.waitForSelector('.maplibregl-popup a.popup-photo img', { state: 'attached', timeout: 10000 });
    await page.waitForFunction((img) => img.complete, popup);
    report.popup = await page.evaluate(() => {
      const a = document.querySelector('.maplibregl-popup a.popup-photo');
      const img = a.querySelector('img');
      return { href: a.getAttribute('href'), title: a.textContent.trim(), img: img.getAttribute('src'), width: img.naturalWidth };
    });
  }
  const first = report.layers[0]?.id;
  if (first && await page.$(`input[data-layer="${first}"]`)) {
    await page.uncheck(`input[data-layer="${first}"]`);
    await page.evaluate(() => new Promise((ok) => { window.portalMap.once('idle', ok); setTimeout(ok, 3000); }));
    report.hidden = await page.evaluate((id) =>
      window.portalMap.queryRenderedFeatures({ layers: [`${id}-point`, `${id}-line`, `${id}-fill`] }).length, first);
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
