/// <reference lib="dom" />
/**
 * The dashboard's entry point: reads the session, draws the navigation and routes `#/` hashes to
 * the pages (`#/environments`, `#/env/NAME`, `#/create`, `#/cache`, `#/operations`, `#/system`).
 *
 * @module
 */
import { getSession, type Session } from "./api.ts";
import { h, replace } from "./dom.ts";
import { cachePage } from "./pages/cache.ts";
import { createPage } from "./pages/create.ts";
import { environmentPage } from "./pages/environment.ts";
import { environmentsPage } from "./pages/environments.ts";
import { operationsPage } from "./pages/operations.ts";
import { systemPage } from "./pages/system.ts";
import { errorBox, type PageContext } from "./ui.ts";

const NAV: Array<[string, string]> = [
  ["#/environments", "Environments"],
  ["#/create", "Create"],
  ["#/cache", "Cache"],
  ["#/operations", "Operations"],
  ["#/system", "System"],
];

let generation = 0;

function route(session: Session, main: HTMLElement, nav: HTMLElement): void {
  const mine = ++generation;
  // Each route draws into its own container: a page still loading when the user leaves writes
  // into a detached element, never into the next page (it may not even know it was left).
  const view = h("div", { class: "view" });
  replace(main, view);
  const hash = location.hash === "" || location.hash === "#" || location.hash === "#/"
    ? "#/environments"
    : location.hash;
  const [path = "", queryText = ""] = hash.slice(1).split("?", 2);
  const query = new URLSearchParams(queryText);
  const ctx: PageContext = {
    session,
    navigate: (to) => {
      location.hash = to;
    },
    left: () => generation !== mine,
  };
  for (const link of nav.querySelectorAll("a")) {
    const target = link.getAttribute("href") ?? "";
    const current = hash === target || hash.startsWith(`${target}?`) ||
      (target === "#/environments" && hash.startsWith("#/env/"));
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const parts = path.split("/").filter((p) => p !== "");
  let page: Promise<void>;
  let title = "Environments";
  if (parts[0] === "env" && parts[1] !== undefined) {
    let name: string;
    try {
      name = decodeURIComponent(parts.slice(1).join("/"));
    } catch {
      name = parts.slice(1).join("/");
    }
    title = name;
    page = environmentPage(view, name, ctx);
  } else if (parts[0] === "create") {
    title = "Create";
    page = createPage(view, ctx);
  } else if (parts[0] === "cache") {
    title = "Cache";
    page = cachePage(view, ctx);
  } else if (parts[0] === "operations") {
    title = "Operations";
    page = operationsPage(view, query, ctx);
  } else if (parts[0] === "system") {
    title = "System";
    page = systemPage(view, ctx);
  } else {
    page = environmentsPage(view, ctx);
  }
  document.title = `${title} · gestvenv`;
  view.querySelector("h1")?.focus();
  page.then(
    () => {
      if (generation === mine) document.body.dataset.ready = path || "/environments";
    },
    (error) => {
      if (generation === mine) replace(main, errorBox(error));
    },
  );
}

async function start(): Promise<void> {
  const main = document.getElementById("main") as HTMLElement;
  const header = document.getElementById("top") as HTMLElement;
  let session: Session;
  try {
    session = await getSession();
  } catch (error) {
    replace(main, h("h1", {}, "gestvenv dashboard"), errorBox(error));
    return;
  }
  const nav = h(
    "nav",
    { "aria-label": "Pages" },
    h(
      "ul",
      {},
      NAV.filter(([href]) => !(session.read_only && href === "#/create")).map(([href, label]) =>
        h("li", {}, h("a", { href }, label))
      ),
    ),
  );
  replace(
    header,
    h("a", { href: "#/environments", class: "brand" }, "gestvenv"),
    nav,
    h(
      "p",
      { class: "session" },
      `version ${session.version}`,
      session.read_only ? h("span", { class: "badge read-only" }, "read-only") : null,
      " · ",
      h("span", { class: "mono", title: "GESTVENV_HOME" }, session.home),
    ),
  );
  if (session.read_only) document.body.classList.add("read-only");
  addEventListener("hashchange", () => {
    delete document.body.dataset.ready;
    route(session, main, nav);
  });
  route(session, main, nav);
}

void start();
