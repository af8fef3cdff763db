// Screenshots of the dashboard's main pages for the README, from the same fictional world as
// the browser tests. Run by scripts/screenshots.sh (it builds the binaries first); writes
// docs/screenshots/dashboard-*.png.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { ROOT, World, launchChromium } from "./lib/world.mjs";

const out = join(ROOT, "docs", "screenshots");
mkdirSync(out, { recursive: true });
const world = new World();
try {
  await world.startServer();
  world.logMonth();
  await world.startDashboard();
  const ctx = await launchChromium(chromium, world.dir);
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.goto(world.link);
  const client = await page.getAttribute("table.clients a", "href");
  const shots = [
    ["clients", "/", 600],
    ["client", client, 1900],
    ["plan", `${client}/plan`, 1500],
    ["consent", `${client}/consent`, 900],
  ];
  for (const [name, path, height] of shots) {
    await page.goto(new URL(path, world.origin).href);
    const full = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: join(out, `dashboard-${name}.png`), clip: { x: 0, y: 0, width: 1100, height: Math.min(height, full) }, fullPage: true });
    console.log(`docs/screenshots/dashboard-${name}.png`);
  }
  await ctx.close();
} finally {
  await world.stop();
}
