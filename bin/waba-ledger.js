#!/usr/bin/env node
// Launcher for the `waba-ledger` command: runs the TypeScript CLI through tsx (no separate compile step).
import { register } from "tsx/esm/api";

register();
await import("../ingest/cli.ts");
