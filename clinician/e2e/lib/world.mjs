// The world the browser tests run in, built once: a real sync server (companion-server, SQLite,
// loopback), a clinician account (companion-clinician), a client (the companion CLI) who pairs,
// logs a month of varied data, consents to several categories and syncs, and the dashboard.
// Everything is fictional; canary words go into what the client does NOT share.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import net from "node:net";

const here = new URL(".", import.meta.url).pathname;
export const ROOT = resolve(here, "../../..");
export const BIN = process.env.COMPANION_BIN_DIR || join(ROOT, "target", "debug");
export const TZ = "Europe/Berlin";
export const CLINICIAN = { email: "dr.example@clinic.invalid", name: "Dr Ada Example", pass: "an example clinician passphrase for tests" };
const CLIENT_PASS = "an example client passphrase";

/** Words only the unshared categories hold: none may appear in any page, export or answer. */
export const CANARIES = ["CANARY-NOTE-7f3a", "CANARY-PLACE-91bd", "CANARY-DOING-c04e"];

export async function freePort() {
  const s = net.createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  s.close();
  await once(s, "close");
  return port;
}

/** The Berlin calendar day `daysAgo` days before today, as YYYY-MM-DD. */
export function berlinDay(daysAgo = 0, from = new Date()) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(from);
  const [y, m, d] = parts.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d - daysAgo));
  return t.toISOString().slice(0, 10);
}

async function waitFor(check, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class World {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "companion-e2e-"));
    this.clientDir = join(this.dir, "client");
    this.children = [];
  }

  /** Run the client's CLI; returns stdout (JSON parsed with json: true). */
  client(args, { json = false, now } = {}) {
    const env = { PATH: process.env.PATH, TZ, COMPANION_PASSPHRASE: CLIENT_PASS, COMPANION_ALLOW_WEAK_KDF: "1" };
    if (now) env.COMPANION_NOW = now;
    const all = ["--data-dir", this.clientDir, ...(json ? ["--json"] : []), ...args];
    const out = execFileSync(join(BIN, "companion"), all, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return json ? JSON.parse(out) : out;
  }

  clinicianEnv() {
    return {
      PATH: process.env.PATH,
      TZ,
      COMPANION_SERVER: this.server,
      COMPANION_CLINICIAN_EMAIL: CLINICIAN.email,
      COMPANION_CLINICIAN_PASSPHRASE: CLINICIAN.pass,
    };
  }

  clinician(args) {
    return execFileSync(join(BIN, "companion-clinician"), args, { env: this.clinicianEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  async startServer() {
    const port = await freePort();
    this.server = `http://127.0.0.1:${port}`;
    const data = join(this.dir, "server");
    const child = spawn(join(BIN, "companion-server"), ["--data-dir", data, "serve", "--listen", `127.0.0.1:${port}`], { stdio: "ignore" });
    this.children.push(child);
    await waitFor(async () => (await fetch(`${this.server}/healthz`)).ok, "the sync server");
    const out = execFileSync(join(BIN, "companion-server"), ["--data-dir", data, "admin", "create-clinic", "--name", "Example Clinic", "--public-url", this.server], { encoding: "utf8" });
    const invite = out.match(/^First clinician invite[^:]*: (\S+)/m)?.[1];
    if (!invite) throw new Error(`no clinician invite in: ${out}`);
    this.clinician(["register", "--invite", invite, "--name", CLINICIAN.name]);
  }

  /** A month of varied, fictional data, consent to several categories (not notes), sync. */
  logMonth() {
    const c = (args, opts) => this.client(args, opts);
    c(["init", "--kdf-iterations", "2000"]);
    c(["plan", "edit", "add-trigger", "Lonely evenings"]);
    c(["plan", "edit", "add-trigger", "Stress at work"]);
    c(["plan", "edit", "add-warning-sign", "Scrolling in bed"]);
    c(["plan", "edit", "add-strategy", "Call Sam", "--for", "Lonely evenings"]);
    c(["plan", "edit", "add-strategy", "Walk round the block", "--for", "Stress at work"]);
    c(["plan", "edit", "add-strategy", "Box breathing"]);
    c(["plan", "edit", "add-distraction", "The climbing gym"]);
    c(["plan", "edit", "add-person", "Sam Example", "--contact", "0100 000 000"]);
    c(["plan", "edit", "add-professional", "Example Helpline", "--contact", "0800 000 000", "--crisis-line"]);
    c(["plan", "edit", "add-environment", "Phone charges in the kitchen from 22:30"]);
    c(["plan", "edit", "add-reason", "Being present with my kids"]);
    const triggers = [["Lonely evenings"], ["Stress at work"], ["Lonely evenings", "Scrolling in bed"], ["bored"]];
    const outcomes = ["surfed", "coped", "acted", null, "surfed", "coped"];
    const strategies = [["Call Sam"], ["Walk round the block"], [], ["Box breathing", "Call Sam"]];
    let acted = null;
    let n = 0;
    for (let ago = 30; ago >= 1; ago--) {
      const day = berlinDay(ago);
      const perDay = 1 + (ago % 3);
      for (let k = 0; k < perDay; k++, n++) {
        const hour = [22, 8, 13, 19, 23, 6][(ago + k) % 6];
        const args = ["urge", "log", "--intensity", String(2 + ((ago * 3 + k) % 9)), "--at", `${day} ${String(hour).padStart(2, "0")}:${String((k * 17) % 60).padStart(2, "0")}`];
        for (const t of triggers[(ago + k) % 4]) args.push("--trigger", t);
        args.push("--feeling", ["restless", "low", "tense"][n % 3]);
        const outcome = outcomes[n % outcomes.length];
        if (outcome) {
          args.push("--outcome", outcome);
          if (outcome !== "acted" || n % 4 === 0) for (const s of strategies[n % 4]) args.push("--strategy", s);
        }
        if (n % 5 === 0) args.push("--duration", String(5 + (n % 25)));
        if (n % 7 === 0) args.push("--note", `${CANARIES[0]} felt it in my chest`, "--place", `${CANARIES[1]} flat`, "--activity", `${CANARIES[2]} phone`);
        args.push("--company", n % 2 ? "alone" : "with-others");
        const { id } = c(args, { json: true });
        if (outcome === "acted" && !acted && ago < 20) acted = { id, day };
      }
      if (ago % 1 === 0 && ago !== 13) {
        c(["checkin", "--day", day, "--mood", String(3 + (ago % 6)), "--stress", String(2 + ((ago * 2) % 8)), "--loneliness", String(1 + ((ago * 5) % 9)), "--sleep", String(4 + (ago % 5)), "--note", ago === 6 ? "Some nights I want to die" : `day ${ago} was ${["steady", "hard", "ok"][ago % 3]}`]);
      }
    }
    // A slip that followed an acted urge, analysed link by link; another only logged.
    const slip = c(["slip", "log", "Watched for an hour after the argument", "--urge", acted.id], { json: true }).id;
    c(["slip", "analyze", slip, "--vulnerability", "sleep:four hours", "--vulnerability", "conflict", "--prompting-event", "An argument on the phone",
      "--link", "feeling:Angry and alone", "--link", "thought:I deserve a break", "--link", "action:Opened the browser in bed",
      "--instead", "1:Text Sam", "--instead", "3:Leave the phone in the kitchen", "--consequences", "Felt flat the next morning",
      "--repair", "Talk it through on Sunday", "--commitment", "Phone out of the bedroom", "--self-compassion", "One evening does not undo the month"]);
    c(["slip", "log", "Slipped late at night", "--at", `${berlinDay(4)} 23:40`]);
    // Urge surfing: three sessions, their waves recorded prompt by prompt.
    for (const [i, ago] of [[0, 25], [1, 12], [2, 3]].map(([i, a]) => [i, a])) {
      const start = Date.parse(`${berlinDay(ago)}T19:00:00Z`);
      const at = (min) => new Date(start + min * 60000).toISOString().replace(/\.\d+Z$/, "Z");
      c(["surf", "--intensity", String(6 + i), "--minutes", "10", "--interval", "2", "--detach"], { now: at(0) });
      [8, 9 - i, 6, 4, 2].forEach((v, j) => c(["surf", "--checkin", String(Math.max(0, v)), "--detach"], { now: at(2 * (j + 1)) }));
      c(["surf", "--end", i === 1 ? "used-plan" : "passed", "--detach"], { now: at(11) });
    }
    c(["goal", "add", "Ride out urges without acting", "--measure", "urges-surfed", "--target", "20", "--this-month", "--why", "For my kids"]);
    c(["goal", "add", "Check in every day", "--measure", "check-in-days", "--target", "25", "--days", "30"]);
    // Pair with the clinician and consent to several categories (never notes).
    const invite = this.clinician(["invite"]).trim();
    c(["share", "pair", invite]);
    this.consented = ["urges", "slips", "check-ins", "goals", "surf-waves", "coping-plan", "weekly-summaries"];
    c(["share", "consent", "--to", CLINICIAN.name, "--categories", this.consented.join(","), "--include-history", "--yes"]);
    const synced = c(["sync"], { json: true });
    if (synced.errors?.length) throw new Error(`sync failed: ${JSON.stringify(synced.errors)}`);
  }

  /** Start the dashboard; resolves with its first one-time link. */
  async startDashboard() {
    const child = spawn(join(BIN, "companion-clinician"), ["dashboard", "--no-browser", "--listen", "127.0.0.1:0", "--lock-after", "30"], {
      env: this.clinicianEnv(),
      stdio: ["pipe", "pipe", "inherit"],
    });
    this.children.push(child);
    this.dashboardProcess = child;
    this.lines = createInterface({ input: child.stdout });
    this.link = await this.nextLink();
    this.origin = new URL(this.link).origin;
    return this.link;
  }

  /** The next link the dashboard prints (ask with `newLink`). */
  nextLink() {
    return new Promise((resolveLink, reject) => {
      const onLine = (line) => {
        const m = line.match(/(http:\/\/127\.0\.0\.1:\d+\/open\?secret=\S+)/);
        if (m) {
          this.lines.off("line", onLine);
          resolveLink(m[1]);
        }
      };
      this.lines.on("line", onLine);
      this.dashboardProcess.once("exit", (code) => reject(new Error(`the dashboard stopped (${code})`)));
    });
  }

  /** Ask the running dashboard for a new one-time link (Enter in its terminal). */
  async newLink() {
    const next = this.nextLink();
    this.dashboardProcess.stdin.write("\n");
    return next;
  }

  async stop() {
    for (const c of this.children) c.kill("SIGINT");
    await Promise.all(this.children.map((c) => (c.exitCode === null ? once(c, "exit").catch(() => {}) : null)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Debian's Chromium, headless, with a fresh profile; playwright never downloads a browser. */
export async function launchChromium(chromium, dir) {
  return chromium.launchPersistentContext(join(dir, "chromium-profile"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  });
}
