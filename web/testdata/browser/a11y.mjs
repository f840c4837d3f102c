// Checks pages with axe-core in Debian's chromium against the WCAG 2.0,
// 2.1 and 2.2 A and AA rules, and reports, as JSON, each page's violations
// (rule, impact, the elements). Usage: node a11y.mjs URL...
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const reports = [];
try {
  // axe is injected as a script: the pages' policy (script-src 'self') is
  // bypassed for it alone; the pages' own scripts run as usual.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  for (const url of process.argv.slice(2)) {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    reports.push({
      url,
      passes: result.passes.length,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
      })),
    });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(reports));
