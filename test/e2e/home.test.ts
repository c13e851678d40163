// End to end: the built app served by startServer, read by real Chromium; plus the access-token gate.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, serverStatePath } from "../../app/.server/serve";
import { tempLedger } from "../helpers/ledger";
import { startLocalServer } from "../helpers/server";
import { ACME, seedOverview, STRAY } from "../app/queries/overview-seed";

const RESULTS = path.resolve(__dirname, "../../test-results");
const CHROMIUM = "/usr/bin/chromium";

describe("home and data pages in Chromium", () => {
  let db: Awaited<ReturnType<typeof tempLedger>>;
  let server: RunningServer;
  let context: BrowserContext;
  let profileDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    db = await tempLedger();
    await seedOverview(db.ledger);
    server = await startLocalServer({
      dbPath: db.dbPath,
    });
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-chromium-"));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      // recharts skips its bar animation under reduced motion: the screenshot shows final heights.
      reducedMotion: "reduce",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    fs.mkdirSync(RESULTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    db?.cleanup();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  it("announces itself in <db>.server.json while running", () => {
    const state = JSON.parse(fs.readFileSync(serverStatePath(db.dbPath), "utf8"));
    expect(state).toEqual({ pid: process.pid, url: server.url });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("shows every WABA with its numbers, the demo banner and the chart", async () => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("Overview · WABA Ledger");

    await expect(page.locator(".banner-demo").textContent()).resolves.toContain("npx waba-ledger demo --remove");

    const acme = page.locator(`tr[data-waba-id="${ACME}"]`);
    const acmeText = (await acme.textContent()) ?? "";
    // 11 events; first 2025-01-31T23:30Z shown in São Paulo; delivered 3, read 1, failed 1, inbound 2
    expect(acmeText).toContain("Acme Retail");
    expect(acmeText).toContain("America/Sao_Paulo");
    expect(acmeText).toContain("2025-01-31 20:30");
    expect(acmeText).toContain("2025-02-02 07:00");
    const acmeNumbers = await acme
      .locator("td.num")
      .evaluateAll((tds) => tds.map((td) => td.childNodes[0]?.textContent?.trim()));
    expect(acmeNumbers).toEqual(["11", "3", "1", "1", "2"]);

    const stray = (await page.locator(`tr[data-waba-id="${STRAY}"]`).textContent()) ?? "";
    expect(stray).toContain("assumed");
    expect(stray).toContain("2025-03-10 02:30");

    await page.waitForSelector(".recharts-surface", { timeout: 15_000 });
    await page.waitForSelector(".recharts-bar-rectangle", { timeout: 15_000 });
    await page.screenshot({
      path: path.join(RESULTS, "home.png"),
      fullPage: true,
    });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("loads the Data page through the navigation", async () => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "Data", exact: true }).click();
    await page.waitForURL(`${server.url}/data`);
    await page.waitForSelector('[data-testid="quarantine-table"]');
    const body = (await page.locator("main").textContent()) ?? "";
    expect(body).toContain("not valid JSON");
    expect(body).toContain("status without timestamp");
    expect(body).toContain("exports/bad.jsonl");
    expect(await page.title()).toBe("Data · WABA Ledger");
    await page.screenshot({
      path: path.join(RESULTS, "data.png"),
      fullPage: true,
    });

    // A direct load renders on the server too.
    const direct = await page.goto(`${server.url}/data`);
    expect(direct?.status()).toBe(200);
    expect(await page.locator('[data-testid="runs-table"] tbody tr').count()).toBe(1);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("answers an unknown address with a helpful 404 page", async () => {
    const res = await fetch(`${server.url}/no-such-page`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).not.toMatch(/at .+\.js:\d+/); // no stack trace
  });

  it("has no command handler unless one is given", async () => {
    const res = await fetch(`${server.url}/api/commands/ingest`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(404);
  });
});

describe("access token and command hand-over", () => {
  const TOKEN = "s3cret-token";
  let db: Awaited<ReturnType<typeof tempLedger>>;
  let server: RunningServer;

  beforeAll(async () => {
    db = await tempLedger();
    server = await startLocalServer({
      dbPath: db.dbPath,
      token: TOKEN,
      commands: async (name, args) => {
        if (name === "boom") throw Object.assign(new Error("no such thing"), { status: 422 });
        return { name, args, rows: 2n };
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    expect(fs.existsSync(serverStatePath(db.dbPath))).toBe(false);
    db?.cleanup();
  });

  it("refuses a request without the token", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Authorization: Bearer");
    expect(
      (
        await fetch(`${server.url}/`, {
          headers: { authorization: "Bearer wrong" },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${server.url}/api/commands/ingest`, {
          method: "POST",
          body: "{}",
        })
      ).status,
    ).toBe(401);
  });

  it("accepts the Bearer header", async () => {
    const res = await fetch(`${server.url}/data`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
  });

  it("turns ?token= into an httpOnly cookie and drops it from the address", async () => {
    const res = await fetch(`${server.url}/data?token=${TOKEN}&x=1`, {
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/data?x=1");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    const next = await fetch(`${server.url}/data?x=1`, {
      headers: { cookie: cookie.split(";")[0] ?? "" },
    });
    expect(next.status).toBe(200);
  });

  it("writes the token into the state file for the CLI", () => {
    const state = JSON.parse(fs.readFileSync(serverStatePath(db.dbPath), "utf8"));
    expect(state).toEqual({ pid: process.pid, url: server.url, token: TOKEN });
  });

  it("runs a handed-over command, JSON in and out", async () => {
    const headers = {
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
    };
    const ok = await fetch(`${server.url}/api/commands/ingest`, {
      method: "POST",
      headers,
      body: JSON.stringify({ paths: ["a.jsonl"] }),
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      ok: true,
      result: { name: "ingest", args: { paths: ["a.jsonl"] }, rows: "2" },
    });

    const bad = await fetch(`${server.url}/api/commands/boom`, {
      method: "POST",
      headers,
      body: "{}",
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({ ok: false, error: "no such thing" });
  });
});
