// The RunCloud page as an operator sees it, in Debian's Chromium (headless),
// against the test multisite served over loopback. Environment (set by
// run.sh): WU_BROWSER_BASE (http://network.test), WU_BROWSER_SERVER
// (127.0.0.1:PORT the host name maps to), WU_BROWSER_PASSWORD, WU_TEST_SIM_URL,
// WU_BROWSER_SHOTS (the folder for screenshots), CHROMIUM (the binary).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

const base = process.env.WU_BROWSER_BASE;
const server = process.env.WU_BROWSER_SERVER;
const password = process.env.WU_BROWSER_PASSWORD;
const sim = process.env.WU_TEST_SIM_URL;
const shots = process.env.WU_BROWSER_SHOTS;
const page_url = `${base}/wp-admin/network/settings.php?page=wu-runcloud`;

const profile = mkdtempSync(join(tmpdir(), 'wu-browser-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`,
    // network.test and its subdomains are the PHP server on loopback.
    `--host-resolver-rules=MAP network.test ${server}, MAP *.network.test ${server}`,
  ],
  defaultViewport: { width: 1400, height: 900 },
});

let failures = 0;
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(error.message).split('\n').join('\n     ')}`);
  }
}

async function session(user) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(`${base}/wp-login.php`);
  // wp-login.php focuses and selects the user field 200 ms after load; typing
  // before that loses what was typed so far to the selection.
  await page.waitForFunction(() => document.activeElement?.id === 'user_login');
  await page.type('#user_login', user);
  await page.type('#user_pass', password);
  await Promise.all([page.waitForNavigation(), page.click('#wp-submit')]);
  const error = await page.$('#login_error');
  if (error) {
    await shot(page, `login-failed-${user}`);
    assert.fail(`${user} could not log in: ${await page.$eval('#login_error', (el) => el.innerText)}`);
  }
  return { context, page };
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function row(page, name) {
  return page.$eval(`tr[data-name="${name}"]`, (tr) => ({
    state: tr.className.replace('wu-runcloud-state-', ''),
    // A cell's first line: the web apps' details below it are a click away.
    cells: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.colname, td.innerText.trim().split('\n')[0]])),
    apps: tr.querySelector('details.wu-runcloud-apps summary')?.innerText.trim(),
    title: tr.querySelector('strong')?.title,
  }));
}

async function fault(body) {
  const answer = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(answer.ok, 'the simulator takes the fault');
}

try {
  const admin = await session('admin');
  const page = admin.page;

  await check('the Domains view shows added, missing, waiting and IDN names in words', async () => {
    await page.goto(`${page_url}&tab=domains`);
    const added = await row(page, 'added.example.com');
    assert.equal(added.state, 'live');
    assert.match(added.cells['On RunCloud'], /^yes \(id \d+\)$/);
    assert.match(added.cells.Certificate, /^covered by the last redeploy/);
    assert.match(added.cells.Source, /^mapped domain of shop\.network\.test/);
    const missing = await row(page, 'missing.example.com');
    assert.equal(missing.state, 'missing');
    assert.equal(missing.cells['On RunCloud'], 'missing');
    assert.match(missing.cells['Last error'], /press "Sync now" or "Reconcile now"/);
    const waiting = await row(page, 'waiting.example.com');
    assert.equal(waiting.state, 'waiting');
    assert.match(waiting.cells.Pending, /^next attempt .* \(1 attempt so far\)$/);
    assert.match(waiting.cells['Last error'], /^RunCloud answered HTTP 503, "Service Unavailable": RunCloud had trouble on its side; it usually passes by itself\. Nothing to do: it is retried at /);
    const idn = await row(page, 'xn--bcher-kva.example');
    assert.equal(idn.cells.Name, 'bücher.example', `Unicode first: ${idn.cells.Name}`);
    assert.equal(await page.$eval('tr[data-name="xn--bcher-kva.example"] code.wu-runcloud-punycode', (el) => el.innerText), 'xn--bcher-kva.example', 'punycode below');
    assert.equal(idn.title, 'xn--bcher-kva.example', 'punycode on hover');
    assert.match(idn.cells.Certificate, /^waiting for a redeploy/);
    const body = await page.$eval('#wpbody-content', (el) => el.innerText);
    assert.doesNotMatch(body, /Exception/, 'no PHP class name');
    assert.equal(await page.$eval('label[for="wu_runcloud_domains_per_page"]', (el) => el.innerText.trim()), 'Names per page', 'a per-page screen option');
    await shot(page, '1-domains');
  });

  await check('each name says on how many web apps it is, each app a click away', async () => {
    await page.goto(`${page_url}&tab=domains`);
    assert.equal((await row(page, 'added.example.com')).apps, 'on 2 of 2 apps');
    const waiting = await row(page, 'waiting.example.com');
    assert.equal(waiting.apps, 'on 1 of 2 apps');
    const details = 'tr[data-name="waiting.example.com"] details.wu-runcloud-apps';
    assert.equal(await page.$eval(`${details} li[data-app="2:20"]`, (li) => li.checkVisibility()), false, 'folded');
    await page.click(`${details} summary`);
    assert.equal(await page.$eval(`${details} li[data-app="2:20"]`, (li) => li.innerText), 'server 2, app 20: live');
    assert.equal(await page.$eval(`${details} li[data-app="1:1"]`, (li) => li.innerText), 'server 1, app 1: waiting for a retry');
    await shot(page, '1b-domains-apps');
    await page.goto(page_url);
    const apps = await page.$$eval('table.wu-runcloud-apps tbody tr', (rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
    assert.equal(apps.length, 2, 'both web apps on the Status tab');
    assert.equal(apps[0][0], 'server 1, app 1 (primary)');
    assert.match(apps[0][1], /^no: RunCloud answered HTTP 503/);
    assert.deepEqual(apps[1].slice(0, 2), ['server 2, app 20', 'yes']);
    await shot(page, '1c-status-apps');
  });

  await check('filters and search narrow the Domains view', async () => {
    await page.goto(`${page_url}&tab=domains`);
    await page.click('.subsubsub a[href*="state=missing"]');
    await page.waitForSelector('tr[data-name="missing.example.com"]');
    assert.equal(await page.$('tr[data-name="added.example.com"]'), null);
    await page.goto(`${page_url}&tab=domains`);
    await page.type('#wu-runcloud-domain-search-input', 'bücher');
    await Promise.all([page.waitForNavigation(), page.click('#search-submit')]);
    assert.ok(await page.$('tr[data-name="xn--bcher-kva.example"]'));
    assert.equal(await page.$('tr[data-name="added.example.com"]'), null);
    await shot(page, '2-domains-search');
  });

  await check('the prune choice survives a preview, which shows no empty Added/Removed rows', async () => {
    await page.goto(page_url);
    await page.click('#wu-runcloud-reconcile input[name="prune"]');
    await Promise.all([page.waitForNavigation(), page.click('#wu-runcloud-reconcile button[value="preview"]')]);
    assert.ok(await page.$eval('#wu-runcloud-reconcile input[name="prune"]', (box) => box.checked), 'still checked after Preview');
    const body = await page.$eval('#wpbody-content', (el) => el.innerText);
    assert.match(body, /Preview done: nothing was changed\./);
    assert.doesNotMatch(body, /^Added\t/m);
    assert.doesNotMatch(body, /^Removed\t/m);
    await shot(page, '3-preview-keeps-prune');
  });

  await check('a 401 says what to check', async () => {
    await fault({ kind: 'status', status: 401, message: 'Unauthenticated.', count: 50 });
    await page.goto(page_url);
    await Promise.all([page.waitForNavigation(), page.click('#wu-runcloud-reconcile button[value="apply"]')]);
    const text = await page.$eval('.wu-runcloud-failure', (el) => el.innerText);
    assert.equal(text, 'It could not run: RunCloud answered HTTP 401, "Unauthenticated.": RunCloud did not accept the API credentials; check WU_RUNCLOUD_API_TOKEN (or WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET) in wp-config.php, then Tools > Site Health.');
    const body = await page.$eval('#wpbody-content', (el) => el.innerText);
    assert.doesNotMatch(body, /Exception/);
    assert.doesNotMatch(body, /test-token/);
    await shot(page, '4-status-401');
  });
  await admin.context.close();

  await check('a site admin who is not super admin is refused', async () => {
    const owner = await session('shopowner');
    const answer = await owner.page.goto(page_url);
    const body = await owner.page.$eval('body', (el) => el.innerText);
    assert.ok(answer.status() === 403 || /not allowed/i.test(body), `refused (HTTP ${answer.status()})`);
    assert.equal(await owner.page.$('#wu-runcloud-reconcile'), null, 'no form');
    assert.equal(await owner.page.$('.wu-runcloud-domains'), null, 'no table');
    await shot(owner.page, '5-site-admin-refused');
    await owner.context.close();
  });

  await check('the page in Turkish', async () => {
    const tr = await session('yonetici');
    await tr.page.goto(`${page_url}&tab=domains`);
    const tab = await tr.page.$eval('#wu-runcloud-tab-domains', (el) => el.innerText);
    assert.equal(tab, 'Alan adları');
    const missing = await row(tr.page, 'missing.example.com');
    assert.equal(missing.cells['RunCloud\'da'], 'eksik');
    const waiting = await row(tr.page, 'waiting.example.com');
    assert.match(waiting.cells['Son hata'] ?? '', /^RunCloud HTTP 503 yanıtı verdi/);
    await shot(tr.page, '6-domains-turkish');
    await tr.context.close();
  });
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`screenshots: ${shots}`);
if (failures > 0) {
  console.log(`${failures} browser check(s) failed`);
  process.exit(1);
}
