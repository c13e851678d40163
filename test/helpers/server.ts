// A real dashboard server for tests: loopback, a free port, and no access token unless the test sets one.
import { type RunningServer, type StartServerOptions, startServer } from "../../app/.server/serve";

export function startLocalServer(
  options: Omit<StartServerOptions, "port" | "host"> & Partial<Pick<StartServerOptions, "port">>,
): Promise<RunningServer> {
  return startServer({ port: 0, host: "127.0.0.1", token: "", ...options });
}
