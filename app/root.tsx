// Root layout: the HTML shell, the navigation, the demo-data banner and the last-resort error page.
import type { LinksFunction, MetaFunction } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { demoStatus } from "~/.server/queries/demo-status";
import { getLedger } from "~/.server/ledger.server";
import stylesUrl from "~/styles.css?url";

// Inline icon: no favicon request to 404 and nothing extra to ship in public/.
const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0e7a6d"/>' +
      '<text x="16" y="22.5" font-family="system-ui,sans-serif" font-size="18" font-weight="700" fill="#fff" text-anchor="middle">W</text></svg>',
  );

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: ICON, type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "WABA Ledger" }];

export async function loader() {
  const { demoWabaCount } = await demoStatus(await getLedger());
  return { demoWabaCount };
}

// Only pages that exist are linked; Spend, Forecast & budgets, Direct vs BSP, Quality & compliance,
// Messaging limits and Rate cards join this list as their routes land.
const NAV: { to: string; label: string }[] = [
  { to: "/", label: "Overview" },
  { to: "/data", label: "Data" },
];

export function Layout({ children }: { children: ReactNode }) {
  // Undefined when the root loader itself failed (e.g. the database could not be opened).
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <div className="shell">
          <aside className="sidebar">
            <div className="sidebar-inner">
              <Link to="/" className="brand">
                <span className="brand-mark" aria-hidden="true">
                  W
                </span>
                <span className="brand-name">WABA Ledger</span>
              </Link>
              <nav aria-label="Main">
                <ul className="nav">
                  {NAV.map((item) => (
                    <li key={item.to}>
                      <NavLink to={item.to} end={item.to === "/"} prefetch="intent">
                        {item.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </nav>
              <p className="sidebar-foot">WhatsApp Business messaging costs, self-hosted.</p>
            </div>
          </aside>
          <div className="content">
            {data && data.demoWabaCount > 0 ? (
              <div className="banner banner-demo" role="status">
                <strong>Demo data</strong> — remove it with <code>npx waba-ledger demo --remove</code> before loading
                your own.
              </div>
            ) : null}
            <main className="main">{children}</main>
          </div>
        </div>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="error-page">
        <h1>Page not found</h1>
        <p>There is no page at this address. It may belong to a section that is not available yet.</p>
        <p>
          <Link to="/">Go to the overview</Link> or <Link to="/data">check the loaded data</Link>.
        </p>
      </section>
    );
  }
  const status = isRouteErrorResponse(error) ? error.status : 500;
  // Production builds replace server error messages with a generic one; show it as a hint, never a stack.
  const detail = isRouteErrorResponse(error)
    ? error.statusText || String(error.data ?? "")
    : error instanceof Error
      ? error.message.split("\n")[0]
      : "";
  return (
    <section className="error-page">
      <h1>This page could not be loaded</h1>
      <p className="muted">
        Error {status}
        {detail ? `: ${detail}` : ""}
      </p>
      <ol>
        <li>Reload the page — a running ingest can briefly hold the database.</li>
        <li>
          Look at the terminal running <code>npx waba-ledger serve</code>: the full error is logged there.
        </li>
        <li>
          If the database is in use by another process, stop that process, or run your command while the server runs so
          it hands the work over.
        </li>
        <li>
          If the problem persists, check the database with <code>npx waba-ledger health</code>.
        </li>
      </ol>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </section>
  );
}
