// The dashboard's HTTP server (`waba-ledger serve`): Remix over Express, owning the ledger file while it runs.
// Never imported by the Remix app itself; the CLI calls startServer(). One server per process: the build's loaders
// find the database through process.env.LEDGER_DB.
//
// While running it writes `<dbPath>.server.json` ({ pid, url, token? }) so other CLI invocations can hand work
// to it through POST /api/commands/:name instead of hitting DuckDB's single-writer lock (design decision 5).
// That endpoint takes a JSON body (the command's args) and answers
//   200 { ok: true, result }            the handler's return value (bigint sent as a decimal string)
//   4xx/5xx { ok: false, error }        error.status when the handler sets one, else 500; 404 without a handler
//
// /webhooks/whatsapp is Meta's: mounted before the token check and any body parser (Meta cannot send our token; the
// X-Hub-Signature-256 HMAC is its authentication, and it is computed over the raw bytes). Handed-over commands and
// the receiver's micro-batches share one work queue, so two ingests never run at once. GET /api/receiver (behind the
// token) returns the receiver's health as JSON, the same figures as the Data page.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import type { ViteDevServer } from "vite";
import { openLedger, projectRoot } from "./db/index";
import { readEnv } from "./env";
import { receiverHealth } from "./queries/receiver-health";
import { type IngestFiles, Receiver, type ReceiverSettings } from "./receiver/receiver";
import { parseAppSecrets, sameSecret } from "./receiver/signature";
import { webhookLogDir } from "./receiver/webhook-log";
import { WorkQueue } from "./work-queue";

export interface StartServerOptions {
  dbPath: string;
  /** 0 picks a free port; the returned url has the real one. */
  port: number;
  host: string;
  /** Serve app sources through Vite (HMR) instead of the built bundle. */
  dev?: boolean;
  /** Overrides LEDGER_TOKEN; an empty string turns the check off. */
  token?: string;
  onListening?(url: string): void;
  /** Runs work handed over by another CLI process; args and result are JSON. */
  commands?: (name: string, args: unknown) => Promise<unknown>;
  /**
   * Loads files into the ledger (the CLI passes ingestPaths with source "receiver"). With it the server ingests its
   * webhook log continuously; without it segments stay on disk for a server that has it.
   */
  ingest?: IngestFiles;
  /** Webhook receiver settings; each unset one comes from its environment variable. */
  webhook?: Partial<ReceiverSettings>;
}

export interface RunningServer {
  url: string;
  /** The webhook receiver: flush() closes the open log segment and waits until everything logged is ingested. */
  receiver: Pick<Receiver, "flush" | "snapshot">;
  close(): Promise<void>;
}

const SEGMENT_MAX_BYTES = 8 << 20;

function receiverSettings(dbPath: string, given: Partial<ReceiverSettings> = {}): ReceiverSettings {
  const env = readEnv();
  return {
    verifyToken: "verifyToken" in given ? given.verifyToken : env.WHATSAPP_VERIFY_TOKEN,
    appSecrets: given.appSecrets ?? parseAppSecrets(env.WHATSAPP_APP_SECRET),
    maxBodyBytes: given.maxBodyBytes ?? env.WEBHOOK_MAX_BYTES,
    logDir: path.resolve(given.logDir ?? webhookLogDir(dbPath)),
    segmentMaxAgeMs: given.segmentMaxAgeMs ?? env.WEBHOOK_SEGMENT_MS,
    segmentMaxBytes: given.segmentMaxBytes ?? SEGMENT_MAX_BYTES,
  };
}

/** Where a running server announces itself for a database file. */
export function serverStatePath(dbPath: string): string {
  return `${path.resolve(dbPath)}.server.json`;
}

export interface ServerState {
  pid: number;
  url: string;
  token?: string;
}

const TOKEN_COOKIE = "waba_ledger_token";

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const root = projectRoot();
  const buildFile = path.join(root, "build/server/index.js");
  if (!opts.dev && !fs.existsSync(buildFile)) {
    throw new Error(`no app build at ${buildFile}. Run \`npm run build\` first, or start with \`--dev\`.`);
  }
  const dbPath = path.resolve(opts.dbPath);
  const token = opts.token !== undefined ? opts.token || undefined : readEnv().LEDGER_TOKEN;

  // The build's loaders find the ledger through LEDGER_DB; opening it here first means this process holds the
  // file (one writer) and the loaders share this same instance.
  process.env.LEDGER_DB = dbPath;
  process.env.NODE_ENV ??= opts.dev ? "development" : "production";
  const ledger = await openLedger(dbPath);

  const queue = new WorkQueue();
  const receiver = await Receiver.start(ledger, receiverSettings(dbPath, opts.webhook), queue, opts.ingest);

  const app = express();
  app.disable("x-powered-by");
  const httpServer = http.createServer(app);

  app.all("/webhooks/whatsapp", receiver.handle);
  if (token) app.use(requireToken(token));
  app.use(compression());

  app.get("/api/receiver", async (_req, res) => {
    try {
      res.json(await receiverHealth(ledger, { nowMs: Date.now() }));
    } catch (error) {
      res.status(500).json({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });

  app.post("/api/commands/:name", express.json({ limit: "20mb" }), async (req, res) => {
    const send = (status: number, body: unknown) =>
      res.status(status).type("application/json").send(JSON.stringify(body, bigintAsString));
    const commands = opts.commands;
    if (!commands) {
      send(404, { ok: false, error: "this server does not accept commands" });
      return;
    }
    try {
      const result = await queue.run(() => commands(String(req.params.name), req.body ?? null));
      send(200, { ok: true, result: result ?? null });
    } catch (error) {
      const status = Number((error as { status?: unknown }).status);
      send(Number.isInteger(status) && status >= 400 && status < 600 ? status : 500, {
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  });

  let vite: ViteDevServer | undefined;
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (opts.dev) {
    const { createServer } = await import("vite");
    vite = await createServer({
      root,
      appType: "custom",
      // HMR rides on our own HTTP server: no second port to collide with another dev server.
      server: { middlewareMode: true, hmr: { server: httpServer } },
      optimizeDeps: {
        // The dependency scanner follows route imports into .server/ and would try to pre-bundle DuckDB's native
        // binding for the browser; it is server-only, so keep it out.
        exclude: ["@duckdb/node-api", "@duckdb/node-bindings"],
        // Pre-bundled up front: found late, they make Vite re-optimize and the open page load React twice.
        include: ["recharts", "date-fns", "@date-fns/tz"],
      },
    });
    app.use(vite.middlewares);
    const devServer = vite;
    build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  } else {
    build = (await import(/* @vite-ignore */ pathToFileURL(buildFile).href)) as ServerBuild;
    // Vite fingerprints everything under assets/, so those never change at a given URL.
    app.use(
      "/assets",
      express.static(path.join(root, "build/client/assets"), {
        immutable: true,
        maxAge: "1y",
      }),
    );
    app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  }
  app.use(express.static(path.join(root, "public"), { maxAge: "1h" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: opts.dev ? "development" : "production",
    }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "EADDRINUSE"
            ? new Error(`port ${opts.port} on ${opts.host} is already in use. Pick another with --port, or 0 for any.`)
            : error,
        );
      };
      httpServer.once("error", onError);
      httpServer.listen(opts.port, opts.host, () => {
        httpServer.off("error", onError);
        resolve();
      });
    });
  } catch (error) {
    await vite?.close();
    await receiver.close();
    throw error;
  }

  const url = urlFor(httpServer.address() as AddressInfo);
  const stateFile = serverStatePath(dbPath);
  const state: ServerState = {
    pid: process.pid,
    url,
    ...(token ? { token } : {}),
  };
  // It can hold the token: readable by this user only.
  fs.writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`, {
    mode: 0o600,
  });
  const removeState = () => {
    try {
      const current = JSON.parse(fs.readFileSync(stateFile, "utf8")) as ServerState;
      if (current.pid === process.pid && current.url === url) fs.unlinkSync(stateFile);
    } catch {
      // already gone
    }
  };
  // A crash or Ctrl-C must not leave a state file that sends the CLI to a dead server.
  process.on("exit", removeState);

  opts.onListening?.(url);

  let closing: Promise<void> | undefined;
  return {
    url,
    receiver,
    close() {
      closing ??= (async () => {
        process.off("exit", removeState);
        removeState();
        await vite?.close();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
        // After the last request: what was acknowledged gets ingested before the file is let go.
        await receiver.close();
        ledger.close();
      })();
      return closing;
    },
  };
}

function urlFor(address: AddressInfo): string {
  // A wildcard bind is reachable on loopback; print an address a browser can open.
  let host = address.address;
  if (host === "0.0.0.0" || host === "::") host = "127.0.0.1";
  if (host.includes(":")) host = `[${host}]`;
  return `http://${host}:${address.port}`;
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Every request needs the token: a Bearer header, the cookie, or ?token= (which sets the cookie). */
function requireToken(token: string): express.RequestHandler {
  return (req, res, next) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ") && sameSecret(auth.slice(7).trim(), token)) return next();

    const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
    if (cookie !== undefined && sameSecret(cookie, token)) return next();

    const query = req.query.token;
    if (typeof query === "string" && sameSecret(query, token)) {
      res.cookie(TOKEN_COOKIE, token, {
        httpOnly: true,
        sameSite: "strict",
        path: "/",
      });
      if (req.method === "GET" || req.method === "HEAD") {
        // Drop the token from the address bar and history once the cookie carries it.
        const clean = new URL(req.originalUrl, "http://localhost");
        clean.searchParams.delete("token");
        res.redirect(303, `${clean.pathname}${clean.search}`);
        return;
      }
      return next();
    }

    res
      .status(401)
      .set("WWW-Authenticate", 'Bearer realm="waba-ledger"')
      .type("text/plain")
      .send(
        "401 Unauthorized: this WABA Ledger server requires its access token (LEDGER_TOKEN).\n" +
          "Open the address printed by `waba-ledger serve` (it ends in ?token=…), " +
          "or send the header `Authorization: Bearer <token>`.\n",
      );
  };
}
