// The console end to end in Debian's Chromium: register, onboard this host with a real
// mini-xdr-agent (installed by the wizard's own install command), see an incident appear,
// resolve it, invite an analyst, and sign in as that analyst in a second browser context.
//
// Started by the Rust test `binary_console_e2e` (cargo test), which runs a real server and
// passes: BASE_URL, SCAN_PORT (the server's port), WORK_DIR (a fresh directory), and
// optionally SCREENSHOTS (a directory for the docs' screenshots).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL;
const WORK = process.env.WORK_DIR;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'violet tractor mango fjord';

async function shoot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: join(SHOTS, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** Reloads until `selector` shows up (what an analyst does while htmx refreshes). */
async function reloadUntil(page, selector, seconds) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await page.locator(selector).count() > 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector} on ${page.url()}`);
    await page.waitForTimeout(500);
    await page.reload();
  }
}

/** Follows a link of the main navigation. */
async function navTo(page, name) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

function failedLogins(log, n) {
  const now = new Date().toISOString();
  let lines = '';
  for (let i = 0; i < n; i++) {
    lines += JSON.stringify({ eventid: 'cowrie.login.failed', src_ip: '203.0.113.66',
      username: 'root', password: `p${i}`, session: `s${i}`, timestamp: now }) + '\n';
  }
  appendFileSync(log, lines);
}

test('from registration to a resolved incident, then a second member', { timeout: 240_000 }, async (t) => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'] });
  let agent;
  t.after(async () => {
    if (agent && agent.exitCode === null) agent.kill('SIGTERM');
    await browser.close();
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  // Registration: the console answers at /, sends a stranger to the sign-in form.
  await page.goto(BASE + '/');
  assert.match(page.url(), /\/login/);
  await shoot(page, 'login');
  await page.getByRole('link', { name: 'Register your organization' }).click();
  await page.getByLabel('Organization name').fill('Acme Security');
  await page.getByLabel('Your name').fill('Ada Admin');
  await page.getByLabel('Email').fill('ada@acme.example');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

  // Onboarding: profile, a scan of this host, an agent installed by the wizard's command.
  await navTo(page, 'Onboarding');
  await page.getByRole('button', { name: 'Start onboarding' }).click();
  await page.getByLabel('Region').fill('eu-west');
  await page.getByLabel('Industry').fill('finance');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByLabel(/Networks to scan/).fill('127.0.0.1/32');
  await page.getByLabel(/Ports/).fill(process.env.SCAN_PORT);
  await page.getByRole('button', { name: 'Scan' }).click();
  // htmx refreshes the wizard while the scan runs; the plan replaces it when done.
  await page.getByRole('heading', { name: 'Deployment plan' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Create enrollment token' }).click();
  const script = await page.locator('#install-linux').inputValue();
  assert.match(script, /mini-xdr-agent/);
  await shoot(page, 'onboarding');
  const log = join(WORK, 'cowrie.json');
  writeFileSync(log, '');
  writeFileSync(join(WORK, 'install.sh'), script);
  agent = spawn('bash', [join(WORK, 'install.sh'), '--no-service'], {
    env: { PATH: process.env.PATH, MINI_XDR_PREFIX: join(WORK, 'prefix'),
      MINI_XDR_AGENT_STATE_DIR: join(WORK, 'agent-state'), MINI_XDR_AGENT_LOGS: log },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The agents table on this page refreshes itself: the agent appears without a reload.
  await page.locator('#agent-table .status-active').waitFor({ timeout: 60_000 });

  // Events from the agent open an incident; the analyst resolves it.
  failedLogins(log, 25);
  await navTo(page, 'Incidents');
  await reloadUntil(page, 'a[href^="/incidents/"]', 60);
  await shoot(page, 'incidents');
  await page.locator('a[href^="/incidents/"]').first().click();
  await page.getByText('203.0.113.66').first().waitFor();
  await page.getByLabel('Status').selectOption('resolved');
  await page.getByLabel('Note').fill('Blocked at the edge firewall');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await page.locator('#incident-status').textContent(), 'resolved');
  await shoot(page, 'incident');

  // Validation passes now, and the wizard completes.
  await navTo(page, 'Onboarding');
  await page.getByRole('button', { name: 'Run validation' }).click();
  assert.equal(await page.locator('.checks .fail').count(), 0, await page.locator('.checks').textContent());
  await page.getByRole('button', { name: 'Complete onboarding' }).click();
  await page.getByText('Onboarding is complete').waitFor();

  await navTo(page, 'Dashboard');
  await page.locator('svg.chart rect.bar:not([height="0"])').first().waitFor();
  await shoot(page, 'dashboard');

  // An invitation, accepted in a second browser context: the analyst sees what the role allows.
  await navTo(page, 'Users');
  await page.getByLabel('Email').fill('ana@acme.example');
  await page.getByLabel('Role').selectOption('analyst');
  await page.getByRole('button', { name: 'Invite' }).click();
  const link = await page.getByLabel('Invitation link').inputValue();
  const second = await browser.newContext();
  const analyst = await second.newPage();
  await analyst.goto(link);
  await analyst.getByLabel('Your name').fill('Ana Analyst');
  await analyst.getByLabel('Choose a password').fill(PASSWORD);
  await analyst.getByRole('button', { name: 'Join' }).click();
  await analyst.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(await analyst.locator('.role').textContent(), 'analyst');
  const nav = analyst.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'Incidents' }).count(), 1);
  for (const hidden of ['Users', 'Audit log', 'Onboarding']) {
    assert.equal(await nav.getByRole('link', { name: hidden }).count(), 0, hidden);
  }
  const refused = await analyst.goto(BASE + '/users');
  assert.equal(refused.status(), 403);
  await analyst.goto(BASE + '/incidents?status=resolved');
  await analyst.locator('a[href^="/incidents/"]').first().waitFor();

  // Signing out ends the session: the dashboard sends the analyst back to sign in.
  await analyst.goto(BASE + '/');
  await analyst.getByRole('button', { name: 'Sign out' }).click();
  await analyst.goto(BASE + '/');
  assert.match(analyst.url(), /\/login/);

  // Keyboard only: the skip link is the first stop and leads to the content.
  await page.goto(BASE + '/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');

  assert.deepEqual(errors, [], 'no script errors or CSP violations in the console');
});
