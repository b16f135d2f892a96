/// <reference lib="dom" />
/**
 * The Operations page: the operation log (`logs --format json`), newest first, filterable by
 * environment, command and status.
 *
 * @module
 */
import { getEnvelope } from "../api.ts";
import { h, replace } from "../dom.ts";
import { formatMs, formatTime } from "../format.ts";
import { type Column, sortableTable } from "../table.ts";
import { envLink, errorBox, type PageContext, pageTitle } from "../ui.ts";

/** One entry of `logs --format json`. */
export interface Operation {
  time: string;
  command: string;
  command_line: string;
  environments: string[];
  changes: Array<
    { environment?: string; name: string; before: string | null; after: string | null }
  >;
  duration_ms: number;
  exit_code: number;
  error: string | { message?: string } | null;
  cache?: { hits: number; misses: number; bytes_saved: number } | null;
}

function errorText(error: Operation["error"]): string {
  if (error === null || error === undefined) return "";
  if (typeof error === "string") return error;
  return error.message ?? JSON.stringify(error);
}

/**
 * A table of operations, newest first. `environments: false` leaves out that column (one
 * environment's page); the Error column is there only when an operation failed.
 */
export function operationsTable(
  ops: Operation[],
  caption: string,
  options: { environments?: boolean } = {},
): HTMLTableElement {
  const columns: Column<Operation>[] = [
    {
      label: "Time",
      cell: (o) => h("time", { datetime: o.time }, formatTime(o.time)),
      sortValue: (o) => o.time,
    },
    {
      label: "Command",
      cell: (o) => h("span", { class: "mono" }, o.command_line || o.command),
      sortValue: (o) => o.command,
    },
  ];
  if (options.environments !== false) {
    columns.push({
      label: "Environments",
      cell: (o) => o.environments.flatMap((e, i) => (i === 0 ? [envLink(e)] : [", ", envLink(e)])),
    });
  }
  columns.push(
    {
      label: "Status",
      cell: (o) =>
        o.exit_code === 0
          ? h("span", { class: "badge sev-ok" }, "ok")
          : h("span", { class: "badge sev-error" }, `failed (exit ${o.exit_code})`),
      sortValue: (o) => o.exit_code,
    },
    {
      label: "Changes",
      cell: (o) => String(o.changes.length),
      sortValue: (o) => o.changes.length,
      numeric: true,
    },
    {
      label: "Duration",
      cell: (o) => formatMs(o.duration_ms),
      sortValue: (o) => o.duration_ms,
      numeric: true,
    },
  );
  if (ops.some((o) => o.exit_code !== 0)) {
    columns.push({ label: "Error", cell: (o) => errorText(o.error) });
  }
  return sortableTable<Operation>(caption, columns, ops, { sortBy: 0, descending: true })
    .element;
}

/** Draws the Operations page into `main`; `query` holds the filters of the hash route. */
export async function operationsPage(
  main: HTMLElement,
  query: URLSearchParams,
  ctx: PageContext,
): Promise<void> {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  replace(main, pageTitle("Operations"), body);
  let ops: Operation[];
  try {
    const env = await getEnvelope<{ operations: Operation[] }>("/api/v1/operations");
    ops = env.data?.operations ?? [];
  } catch (error) {
    replace(body, errorBox(error));
    return;
  }
  const options = (values: string[], selected: string | null) => [
    h("option", { value: "" }, "any"),
    ...[...new Set(values)].sort().map((v) =>
      h("option", { value: v, selected: v === selected }, v)
    ),
  ];
  const envSelect = h(
    "select",
    { id: "ops-env", name: "env" },
    options(ops.flatMap((o) => o.environments), query.get("env")),
  );
  const commandSelect = h(
    "select",
    { id: "ops-command", name: "command" },
    options(ops.map((o) => o.command), query.get("command")),
  );
  const statusSelect = h(
    "select",
    { id: "ops-status", name: "status" },
    h("option", { value: "" }, "any"),
    h("option", { value: "ok", selected: query.get("status") === "ok" }, "succeeded"),
    h("option", { value: "error", selected: query.get("status") === "error" }, "failed"),
  );
  const result = h("div");
  const apply = () => {
    const env = envSelect.value;
    const command = commandSelect.value;
    const status = statusSelect.value;
    const shown = ops.filter((o) =>
      (env === "" || o.environments.includes(env)) && (command === "" || o.command === command) &&
      (status === "" || (status === "ok" ? o.exit_code === 0 : o.exit_code !== 0))
    );
    const params = new URLSearchParams();
    if (env) params.set("env", env);
    if (command) params.set("command", command);
    if (status) params.set("status", status);
    const hash = `#/operations${params.size > 0 ? `?${params}` : ""}`;
    if (location.hash !== hash && !ctx.left()) history.replaceState(null, "", hash);
    replace(
      result,
      operationsTable(shown, `${shown.length} of ${ops.length} operations, newest first`),
    );
  };
  for (const select of [envSelect, commandSelect, statusSelect]) {
    select.addEventListener("change", apply);
  }
  replace(
    body,
    h(
      "form",
      { class: "toolbar filters", role: "search" },
      h("label", { for: "ops-env" }, "Environment "),
      envSelect,
      h("label", { for: "ops-command" }, "Command "),
      commandSelect,
      h("label", { for: "ops-status" }, "Status "),
      statusSelect,
    ),
    result,
  );
  apply();
}
