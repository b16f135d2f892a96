/// <reference lib="dom" />
/**
 * The Environments page: `list --detailed --format json` as a table (name, Python, backend,
 * packages, health, size, last used) with a filter box and sortable columns.
 *
 * @module
 */
import { getEnvelope } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatAgo, formatBytes } from "../format.ts";
import { sortableTable } from "../table.ts";
import { envLink, errorBox, type PageContext, pageTitle } from "../ui.ts";

/** One environment of `list --format json`. */
export interface ListedEnvironment {
  name: string;
  path: string;
  python: { version: string; implementation: string; path: string } | null;
  backend: string;
  description: string | null;
  created_at: string | null;
  last_used_at: string | null;
  packages: Array<{ name: string; version: string }>;
}

/** What `list --detailed` adds to each environment. */
interface Detail {
  size_bytes?: number | null;
  size_complete?: boolean;
  health?: "ok" | "info" | "warning" | "error" | "missing";
  health_findings?: Array<{ id: string; severity: string; message: string }>;
}

type Row = ListedEnvironment & Detail;

const HEALTH_RANK: Record<string, number> = { ok: 0, info: 1, warning: 2, error: 3, missing: 4 };

function healthCell(row: Row): HTMLElement {
  if (row.health === undefined) return h("span", { class: "muted" }, "unknown");
  const findings = row.health_findings ?? [];
  const word = row.health === "ok" ? "healthy" : row.health;
  return h(
    "span",
    {
      class: `badge health-${row.health}`,
      title: findings.map((f) => `${f.severity}: ${f.message}`).join("\n") || null,
    },
    findings.length > 0 ? `${word} (${findings.length})` : word,
  );
}

/** Draws the Environments page into `main`. */
export async function environmentsPage(main: HTMLElement, ctx: PageContext): Promise<void> {
  const filter = h("input", {
    type: "search",
    id: "env-filter",
    placeholder: "name, Python, backend, package",
    autocomplete: "off",
  });
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  replace(
    main,
    pageTitle(
      "Environments",
      ctx.session.read_only
        ? null
        : h("a", { href: "#/create", class: "button primary action" }, "Create an environment"),
    ),
    h("div", { class: "toolbar" }, h("label", { for: "env-filter" }, "Filter "), filter),
    body,
  );
  let list;
  try {
    list = await getEnvelope<{ environments: ListedEnvironment[]; orphans: unknown[] }>(
      "/api/v1/environments",
    );
  } catch (error) {
    replace(body, errorBox(error));
    return;
  }
  if (ctx.left()) return;
  const all: Row[] = list.data?.environments ?? [];
  const table = sortableTable<Row>(
    "Environments, with their health and size",
    [
      { label: "Name", cell: (r) => envLink(r.name), sortValue: (r) => r.name },
      {
        label: "Python",
        cell: (r) => r.python?.version ?? "missing",
        sortValue: (r) => r.python?.version ?? null,
        version: true,
      },
      { label: "Backend", cell: (r) => r.backend, sortValue: (r) => r.backend },
      {
        label: "Packages",
        cell: (r) => String(r.packages.length),
        sortValue: (r) => r.packages.length,
        numeric: true,
      },
      {
        label: "Health",
        cell: healthCell,
        sortValue: (r) => r.health === undefined ? null : HEALTH_RANK[r.health] ?? null,
      },
      {
        label: "Size",
        cell: (r) =>
          r.size_bytes === undefined || r.size_bytes === null
            ? "—"
            : `${r.size_complete === false ? "at least " : ""}${formatBytes(r.size_bytes)}`,
        sortValue: (r) => r.size_bytes ?? null,
        numeric: true,
      },
      {
        label: "Last used",
        cell: (r) => h("time", { datetime: r.last_used_at ?? "" }, formatAgo(r.last_used_at)),
        sortValue: (r) => r.last_used_at ?? "",
      },
    ],
    [...all],
    { rowKey: (r) => r.name },
  );
  const count = h("p", { class: "muted", id: "env-count" });
  const applyFilter = () => {
    const q = filter.value.trim().toLowerCase();
    table.rows = all.filter((r) =>
      q === "" || r.name.toLowerCase().includes(q) ||
      (r.python?.version ?? "").includes(q) || r.backend.toLowerCase().includes(q) ||
      r.packages.some((p) => p.name.toLowerCase().includes(q))
    );
    table.refresh();
    count.textContent = `${table.rows.length} of ${all.length} environment${
      all.length === 1 ? "" : "s"
    }`;
  };
  filter.addEventListener("input", applyFilter);
  const orphans = list.data?.orphans ?? [];
  replace(
    body,
    count,
    table.element,
    orphans.length > 0
      ? h(
        "p",
        { class: "warning-text" },
        `${orphans.length} folder${orphans.length === 1 ? "" : "s"} under environments/ ` +
          "belong to no registered environment (`gestvenv cleanup` lists them).",
      )
      : null,
    all.length === 0
      ? h(
        "p",
        {},
        "No environment yet.",
        ctx.session.read_only ? null : [" ", h("a", { href: "#/create" }, "Create one"), "."],
      )
      : null,
  );
  applyFilter();
}
