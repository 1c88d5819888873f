// The accounts flow in headless Chromium: the public view shows no small count, a page for
// accounts asks to sign in, an analyst signs in with a password, uploads a refused and an
// accepted file, edits an action point, reads the history and its diff, and signs out; a
// beheerder makes the plan public; an analyst signs in through the OpenID Connect provider.
// Every new page gets an axe-core WCAG 2.1 AA check.
//
// Usage: node accounts.mjs BASE_URL, with E2E_ANALIST, E2E_BEHEERDER (e-mail addresses),
// E2E_PASSWORD, E2E_DATA (the repository's data/ folder) and, for the OpenID Connect step,
// E2E_OIDC_LOGIN (a login name the test provider knows). Exits non-zero on a failed step, a
// console error or an accessibility violation.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = process.argv[2];
const env = (name) => {
  const value = process.env[name];
  if (!value) { console.error(`set ${name}`); process.exit(2); }
  return value;
};
if (!base) { console.error('usage: node accounts.mjs BASE_URL'); process.exit(2); }
const analist = env('E2E_ANALIST');
const beheerder = env('E2E_BEHEERDER');
const password = env('E2E_PASSWORD');
const data = env('E2E_DATA');
const oidcLogin = process.env.E2E_OIDC_LOGIN;

const axeSource = fs.readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
let passed = 0;
// A 401 or 403 page is what some steps expect; Chromium logs it as a failed resource.
// The test provider's own login pages are not ours to check.
page.on('console', (m) => {
  const ours = page.url().startsWith(base);
  if (ours && m.type() === 'error' && !/status of 40[13]|status of 422/.test(m.text())) problems.push(`console: ${m.text()}`);
});
page.on('pageerror', (e) => problems.push(`page error: ${e}`));

async function accessible(label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const v of result.violations) {
    problems.push(`${label}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }
  console.log(`${label}: ${result.passes.length} WCAG checks passed, ${result.violations.length} violated`);
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

/// Every number in the tables of the page that is a count between 1 and 4.
async function smallCounts() {
  return page.evaluate(() => [...document.querySelectorAll('td.num')]
    .map((td) => td.textContent.trim())
    .filter((text) => /^[1-4]$/.test(text)));
}

async function signIn(login) {
  await page.goto(`${base}/aanmelden`);
  await page.getByLabel('E-mailadres').fill(login);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.locator('header .account', { hasText: 'Afmelden' }).waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await page.locator('header .account a', { hasText: 'Aanmelden' }).waitFor();
}

await step('the public overview shows no count below 5', async () => {
  await page.goto(`${base}/`);
  await page.getByRole('heading', { level: 1, name: /Veiligheidsbeeld/ }).waitFor();
  const small = await smallCounts();
  if (small.length) throw new Error(`small counts shown: ${small.join(', ')}`);
});
await accessible('public overview');
await step('a public theme page hides small counts with ×', async () => {
  await page.locator('table a', { hasText: 'Fietsdiefstal' }).first().click();
  await page.waitForURL(/\/thema\/fietsdiefstal/);
  const small = await smallCounts();
  if (small.length) throw new Error(`small counts shown: ${small.join(', ')}`);
  const hidden = await page.locator('td.num', { hasText: '×' }).count();
  if (hidden === 0) throw new Error('no count is hidden on a page of 100 buurten');
});
await accessible('public theme page');
await step('a page for accounts asks the public to sign in (401)', async () => {
  const response = await page.goto(`${base}/actie`);
  if (response.status() !== 401) throw new Error(`status ${response.status()}`);
  await page.getByRole('heading', { name: 'Niet aangemeld' }).waitFor();
});
await step('open the sign-in page', async () => {
  await page.goto(`${base}/aanmelden`);
  await page.getByRole('heading', { level: 1, name: 'Aanmelden' }).waitFor();
});
await accessible('sign-in page');
await step('a wrong password is refused on the page', async () => {
  await page.getByLabel('E-mailadres').fill(analist);
  await page.getByLabel('Wachtwoord').fill('niet het wachtwoord');
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.getByRole('alert').waitFor();
});
await step('the analyst signs in with a password', async () => signIn(analist));

await step('an upload with an error is refused and names file, line and field', async () => {
  await page.goto(`${base}/gegevens/importeren`);
  const bad = path.join(os.tmpdir(), `kapot-${process.pid}.csv`);
  fs.writeFileSync(bad, 'ID;WijkenEnBuurten;SoortMisdrijf;Perioden;GeregistreerdeMisdrijven_1\n1;GM0014;0.0.0;2015MM01;veel\n');
  await page.setInputFiles('input[type=file]', bad);
  await page.getByRole('button', { name: 'Inlezen' }).click();
  await page.getByRole('heading', { name: 'Niet ingelezen' }).waitFor();
  const listed = await page.locator('ul.problems').textContent();
  if (!listed.includes('kapot-')) throw new Error(`the error does not name the file: ${listed}`);
});
await accessible('refused upload');
await step('an intervention file uploads and lands', async () => {
  const source = fs.readFileSync(path.join(data, 'plan/voorbeeld_interventie_stationsgebied_2015.toml'), 'utf8');
  const file = path.join(os.tmpdir(), 'interventie-e2e.toml');
  fs.writeFileSync(file, source.replace(/^id = ".*"$/m, 'id = "e2e-upload-in-de-browser"'));
  await page.setInputFiles('input[type=file]', file);
  await page.getByRole('button', { name: 'Inlezen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ingelezen' }).waitFor();
  await page.locator('td', { hasText: 'interventie-e2e.toml' }).waitFor();
});
await accessible('accepted upload');

const done = `In de browser bijgewerkt (${process.pid})`;
await step('edit action point 1 of 2016', async () => {
  await page.goto(`${base}/plan/acties?jaar=2016`);
  await page.getByRole('link', { name: /Actiepunten 2016 bewerken/ }).click();
  await page.getByRole('heading', { level: 1, name: /bewerken/ }).waitFor();
});
await accessible('action point form');
await step('save status and "wat hebben we gedaan"', async () => {
  await page.selectOption('#status-1', 'deels');
  await page.fill('#gedaan-1', done);
  await page.locator('form', { has: page.locator('#gedaan-1') }).locator('button[type=submit]').click();
  await page.waitForURL(/\/plan\/acties\?/);
  await page.locator('td', { hasText: done }).waitFor();
});
await step('the history lists the edit and the diff shows it', async () => {
  await page.goto(`${base}/plan/geschiedenis?plan=voorbeeldplan-groningen-2014-2017`);
  await page.locator('td', { hasText: 'actiepunt 1 (2016) in de browser' }).waitFor();
  await accessible('plan history');
  await page.getByRole('link', { name: /bekijk/ }).first().click();
  await page.locator('ul.diff ins', { hasText: done }).waitFor();
});
await accessible('diff of versions');
await step('the analyst signs out', signOut);
await step('after signing out the account pages ask to sign in again', async () => {
  const response = await page.goto(`${base}/plan/acties`);
  if (response.status() !== 401) throw new Error(`status ${response.status()}`);
});

await step('the beheerder makes the plan public', async () => {
  await signIn(beheerder);
  await page.goto(`${base}/beheer`);
  await page.getByRole('button', { name: /Openbaar maken/ }).first().click();
  await page.getByRole('button', { name: /Niet meer openbaar/ }).first().waitFor();
});
await accessible('beheer page');
await step('the audit log shows the sign-ins and the edit', async () => {
  const log = await page.locator('table', { hasText: 'Auditlog' }).textContent();
  for (const word of ['aanmelden', 'bewerking', 'import', 'openbaar']) {
    if (!log.includes(word) && !(word === 'bewerking' && log.includes('in de browser'))) throw new Error(`no ${word} in the audit log`);
  }
});
await step('the beheerder signs out and the public sees the plan', async () => {
  await signOut();
  await page.goto(`${base}/plan`);
  await page.getByRole('heading', { level: 1, name: /Voorbeeldplan/ }).waitFor();
});
await accessible('public plan');

if (oidcLogin) {
  await step('sign in through the OpenID Connect provider', async () => {
    await page.goto(`${base}/aanmelden`);
    await page.getByRole('link', { name: /Aanmelden via/ }).click();
    await page.locator('input[name=login]').fill(oidcLogin);
    await page.locator('input[name=password]').fill('any');
    await page.locator('button[type=submit]').click();
    // The provider's consent page, the first time.
    const consent = page.locator('button[type=submit]', { hasText: /Continue|Authorize|Toestaan/i });
    if (await consent.count()) await consent.first().click();
    await page.locator('header .account', { hasText: 'Afmelden' }).waitFor();
  });
  await step('signed in through the provider, the analyst reads account pages', async () => {
    const response = await page.goto(`${base}/actie`);
    if (response.status() !== 200) throw new Error(`status ${response.status()}`);
    await signOut();
  });
}

await browser.close();
console.log(`${passed} steps passed`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
