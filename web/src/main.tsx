// The dashboard's shell: session, navigation and the page for the path.
import "./style.css";
import { render } from "preact";
import { useEffect } from "preact/hooks";
import { loadSession, logout } from "./api";
import { navigate, useLocation } from "./router";
import { LoginPage } from "./pages/login";
import { OverviewPage } from "./pages/overview";
import { HistoryPage } from "./pages/history";
import { RunPage } from "./pages/run";
import { ErrorsPage } from "./pages/errors";
import { StartPage } from "./pages/start";
import { ConnectionsPage } from "./pages/connections";

const NAV: [string, string][] = [
  ["/", "Overview"],
  ["/history", "History"],
  ["/start", "Start a run"],
  ["/connections", "Connections"],
];

function page(path: string) {
  let m: RegExpMatchArray | null;
  if (path === "/") return { title: "Overview", view: <OverviewPage /> };
  if (path === "/history") return { title: "History", view: <HistoryPage /> };
  if (path === "/start") return { title: "Start a run", view: <StartPage /> };
  if (path === "/connections") return { title: "Connections", view: <ConnectionsPage /> };
  if ((m = path.match(/^\/runs\/(\d+)\/errors$/))) return { title: `Run ${m[1]}: errors`, view: <ErrorsPage id={Number(m[1])} /> };
  if ((m = path.match(/^\/runs\/(\d+)$/))) return { title: `Run ${m[1]}`, view: <RunPage id={Number(m[1])} key={m[1]} /> };
  return { title: "Not found", view: <p>No page here. <a href="/">Overview</a></p> };
}

function App() {
  const { path } = useLocation();
  // serve only sends this page with a live session, so the page's own API
  // calls start at once; the CSRF token is fetched beside them (a session
  // that ended meanwhile sends everyone to login).
  useEffect(() => {
    if (path === "/login") return;
    loadSession().then((live) => {
      if (!live) navigate("/login?next=" + encodeURIComponent(location.pathname + location.search), true);
    });
  }, [path === "/login"]);

  if (path === "/login") return <LoginPage />;
  const { title, view } = page(path);
  document.title = `${title} · crmsync`;
  const section = path.startsWith("/runs") ? "/history" : path;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">crmsync</span>
        <nav aria-label="Main">
          {NAV.map(([href, label]) => (
            <a href={href} aria-current={section === href ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <button
          type="button"
          class="link"
          onClick={async () => {
            await logout();
            navigate("/login", true);
          }}
        >
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{title}</h1>
        {view}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
