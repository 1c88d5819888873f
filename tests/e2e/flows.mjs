// Click-through flows of the dashboard as a new user takes them, in headless Chromium, with an
// axe-core WCAG 2.1 AA check of every page visited. Usage: node flows.mjs http://127.0.0.1:PORT
// Every page visited is also laid out at 320, 390 and 1280 px wide: the page must not scroll
// sideways, no menu item may be cut off (and at 1280 px the menu is one line), and a full-page
// screenshot of each width is saved as target/screenshots/<width>/<page>.png (or under
// $SCREENSHOTS), for a person to look at.
// Exits non-zero on a failed step, a console error or an accessibility violation.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const base = process.argv[2];
if (!base) {
  console.error('usage: node flows.mjs BASE_URL');
  process.exit(2);
}
const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const WIDTHS = [320, 390, 1280];
const DESKTOP = { width: 1280, height: 900 };
const screenshots = process.env.SCREENSHOTS
  || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'target', 'screenshots');
const page = await browser.newPage({ viewport: DESKTOP });
const problems = [];
let passed = 0;
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
page.on('pageerror', (e) => problems.push(`page error: ${e}`));

async function accessible(label) {
  // Evaluated through DevTools, which the page's Content-Security-Policy does not govern: the
  // policy forbids every script, and an inline <script> tag would be refused.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const v of result.violations) {
    problems.push(`${label}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }
  console.log(`${label}: ${result.passes.length} WCAG checks passed, ${result.violations.length} violated`);
  await layouts(label);
}

// The page at each width of WIDTHS: no sideways scroll of the page, every menu item whole and
// on screen (one line of them at 1280 px), a full-page screenshot; axe again at the narrowest
// width, where tables scroll inside their boxes. Back at 1280 px afterwards.
async function layouts(label) {
  const slug = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  for (const width of WIDTHS) {
    await step(`${label} at ${width} px: no sideways scroll, menu whole`, async () => {
      await page.setViewportSize({ width, height: 800 });
      const layout = await page.evaluate(() => {
        const items = [...document.querySelectorAll('nav[aria-label="Hoofdmenu"] a')].map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent, left: r.left, right: r.right, top: r.top, cut: a.scrollWidth > a.clientWidth + 1 };
        });
        return {
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          items,
          wide: [...document.querySelectorAll('main *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
            .slice(0, 3).map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${e.className}` : ''}`),
        };
      });
      const file = path.join(screenshots, String(width), `${slug}.png`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, fullPage: true });
      if (layout.scrollWidth > layout.innerWidth) {
        throw new Error(`the page scrolls sideways: ${layout.scrollWidth} > ${layout.innerWidth} px (${layout.wide.join(', ')})`);
      }
      if (layout.items.length === 0) throw new Error('no main menu');
      const clipped = layout.items.filter((i) => i.cut || i.left < 0 || i.right > layout.innerWidth);
      if (clipped.length) throw new Error(`menu items cut off: ${clipped.map((i) => i.text).join(', ')}`);
      const rows = new Set(layout.items.map((i) => Math.round(i.top)));
      if (width >= 1280 && rows.size > 1) throw new Error(`the menu wraps onto ${rows.size} lines`);
    });
    if (width === WIDTHS[0]) {
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () =>
        // eslint-disable-next-line no-undef
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      for (const v of result.violations) {
        problems.push(`${label} at ${width} px: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
      }
      console.log(`${label} at ${width} px: ${result.violations.length} WCAG violations`);
    }
  }
  await page.setViewportSize(DESKTOP);
}

async function step(label, action) {
  try {
    await action();
    passed += 1;
    console.log(`ok   ${label}`);
  } catch (error) {
    problems.push(`${label}: ${error.message.split('\n')[0]}`);
    console.log(`FAIL ${label}`);
  }
}

await step('open the overview', async () => {
  await page.goto(`${base}/`);
  await page.getByRole('heading', { level: 1, name: /Veiligheidsbeeld/ }).waitFor();
});
await accessible('overview');
await step('keyboard: the first Tab reaches the skip link', async () => {
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  if (focused !== 'Naar de inhoud') throw new Error(`first focus is ${focused}`);
});
await step('switch the map to per 1.000 inwoners', async () => {
  await page.selectOption('select[name=maat]', 'per1000');
  await page.getByRole('button', { name: 'Toon' }).click();
  await page.waitForURL(/maat=per1000/);
  await page.locator('figure.map text', { hasText: 'Per 1.000 inwoners' }).waitFor();
});
await step('open a theme from its tile', async () => {
  await page.locator('.tile a', { hasText: 'Fietsdiefstal' }).click();
  await page.waitForURL(/\/thema\/fietsdiefstal/);
  await page.getByRole('heading', { name: 'Verloop' }).waitFor();
});
await accessible('theme page');
await step('open the buurt at the top of the ranking', async () => {
  await page.locator('table tbody th a').first().click();
  await page.waitForURL(/\/gebied\/BU/);
  await page.getByRole('heading', { level: 2, name: /Alle thema/ }).waitFor();
});
await accessible('area page');
await step('go up to its wijk through the breadcrumb', async () => {
  await page.locator('.crumbs a[href^="/gebied/WK"]').click();
  await page.waitForURL(/\/gebied\/WK/);
  await page.getByRole('heading', { name: 'Onderdelen' }).waitFor();
});
await step('open the data page from the menu', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Gegevens' }).click();
  await page.waitForURL(/\/gegevens/);
  await page.getByText('Importlogboek').waitFor();
});
await accessible('data page');
await step('ask where action is needed from the menu', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Waar is actie nodig?' }).click();
  await page.waitForURL(/\/actie/);
  await page.getByRole('heading', { name: 'Opvallende buurten' }).waitFor();
  await page.locator('figure.map text', { hasText: 'Hotspot' }).first().waitFor();
});
await accessible('action page');
await step('look at one month per 1.000 inwoners and open a flagged buurt', async () => {
  await page.selectOption('select[name=maand]', '3');
  await page.selectOption('select[name=maat]', 'per1000');
  await page.getByRole('button', { name: 'Toon' }).click();
  await page.waitForURL(/maand=3/);
  await page.getByText('per 1.000 inwoners (empirical Bayes)').waitFor();
  await page.locator('section[aria-labelledby=opvallend] table tbody th a').first().click();
  await page.waitForURL(/\/gebied\/BU/);
});
await step('look ahead: the outlook from the menu, then a buurt from its table', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Vooruitblik' }).click();
  await page.waitForURL(/\/vooruitblik/);
  await page.getByRole('heading', { name: 'Hoe goed voorspelt elke methode hier?' }).waitFor();
  await page.locator('section[aria-labelledby=buurten] table tbody th a').first().click();
  await page.waitForURL(/gebied=BU/);
  await page.getByRole('heading', { level: 1, name: /Vooruitblik/ }).waitFor();
});
await accessible('outlook page');
await step('download the CSV of a theme', async () => {
  await page.goto(`${base}/thema/fietsdiefstal?gemeente=GM0014`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSV (Excel)' }).click(),
  ]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  // A byte order mark first, so that Excel reads the file as UTF-8.
  if (!text.startsWith('\uFEFFcode;naam;niveau;aantal')) throw new Error('not the Dutch CSV with a BOM');
});
await step('the safety plan: goals, then the action points and the budget by their tabs', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Veiligheidsplan' }).click();
  await page.waitForURL(/\/plan/);
  await page.getByRole('heading', { level: 2, name: 'Doelen en voortgang' }).waitFor();
  await page.getByRole('navigation', { name: 'Onderdelen van het plan' }).getByRole('link', { name: 'Actiepunten' }).click();
  await page.waitForURL(/\/plan\/acties/);
  await page.getByRole('columnheader', { name: 'Wat hebben we gedaan' }).first().waitFor();
});
await accessible('action points page');
await step('the budget of an earlier year', async () => {
  await page.getByRole('navigation', { name: 'Onderdelen van het plan' }).getByRole('link', { name: 'Begroting' }).click();
  await page.waitForURL(/\/plan\/begroting/);
  await page.getByRole('navigation', { name: 'Jaar' }).getByRole('link').first().click();
  await page.getByRole('heading', { level: 1, name: /Begroting 20/ }).waitFor();
});
await accessible('budget page');
await step('the Veiligheidsbrief behind the plan page\'s download link is a PDF', async () => {
  await page.getByRole('navigation', { name: 'Onderdelen van het plan' }).getByRole('link', { name: 'Doelen' }).click();
  await page.waitForURL(/\/plan\?/);
  await accessible('plan page');
  const href = await page.getByRole('link', { name: 'Download als PDF' }).getAttribute('href');
  const response = await page.request.get(`${base}${href}`);
  const body = await response.body();
  if (response.headers()['content-type'] !== 'application/pdf' || body.subarray(0, 5).toString() !== '%PDF-') {
    throw new Error(`not a PDF: ${response.status()} ${response.headers()['content-type']}`);
  }
});
await step('did it help: the interventions from the menu, then one of them', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Heeft het geholpen?' }).click();
  await page.waitForURL(/\/interventies/);
  await page.locator('table a[href^="/interventie/"]').first().click();
  await page.getByRole('heading', { level: 2, name: 'Wat het effect was' }).waitFor();
  await page.getByRole('heading', { level: 3, name: 'synthetische controle' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Verplaatsing of uitstraling' }).waitFor();
  await page.getByRole('link', { name: 'Binnenstad-Zuid' }).first().waitFor();
});
await accessible('intervention page');

await step('see every source of a theme from the menu, then one wijk', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Alle bronnen' }).click();
  await page.waitForURL(/\/bronnen/);
  await page.locator('.tile', { hasText: 'Politieregistraties' }).waitFor();
  await page.locator('.tile', { hasText: 'Handhaving' }).waitFor();
  await page.locator('.tile', { hasText: 'problemen na ontdubbelen' }).waitFor();
  await page.getByRole('heading', { name: 'Bewegen de bronnen samen?' }).waitFor();
  await page.selectOption('select[name=gebied]', { label: '· Centrum' });
  await page.selectOption('select[name=thema]', { label: 'Overlast jeugd' });
  await page.getByRole('button', { name: 'Toon' }).click();
  await page.waitForURL(/gebied=WK001400/);
  await page.getByRole('heading', { name: /Overlast jeugd in Centrum/ }).waitFor();
});
await accessible('sources page');
await step('find patterns of bicycle theft from the menu', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Patronen' }).click();
  await page.waitForURL(/\/patronen/);
  await page.getByRole('heading', { name: 'Waar precies?' }).waitFor();
  await page.getByRole('heading', { name: 'Volgt er snel nog een in de buurt?' }).waitFor();
  await page.getByText(/Na een fietsdiefstal/).waitFor();
});
await accessible('patterns page');
await step('the API documentation from the menu, with the OpenAPI document for machines', async () => {
  await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'API' }).click();
  await page.waitForURL(/\/api$/);
  await page.getByRole('heading', { level: 1, name: 'API-documentatie' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Het veiligheidsbeeld van een gebied en zijn onderdelen' }).waitFor();
  await page.getByRole('region', { name: 'Tabel: Parameters van GET /api/v1/picture' }).waitFor();
  const response = await page.request.get(`${base}/api/v1/openapi.json`);
  if ((await response.json()).openapi !== '3.0.3') throw new Error('no OpenAPI document');
});
await accessible('API page');
await step('an example request of the API page answers', async () => {
  const href = await page.locator('section.operation a[href^="/api/v1/picture?"]').first().getAttribute('href');
  const response = await page.request.get(`${base}${href}`);
  if (response.status() !== 200) throw new Error(`${href}: ${response.status()}`);
});

await browser.close();
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
}
console.log(`\nflows: ${passed} passed, ${problems.length} failed; screenshots in ${screenshots}`);
process.exit(problems.length ? 1 : 0);
