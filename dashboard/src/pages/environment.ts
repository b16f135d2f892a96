/// <reference lib="dom" />
/**
 * One environment's page: its facts (`info`), packages (`packages`), the dependency tree
 * (`tree`, as nested collapsible lists), the lock, doctor's findings (with "run doctor" and
 * "apply fixes"), the audit (or the command's error when no vulnerability source answers), the
 * recent operations (`logs --env`), and the actions: install, uninstall, update, sync, delete.
 *
 * @module
 */
import { ApiError, envPath, getEnvelope, type JobRequest } from "../api.ts";
import { type Child, h, replace } from "../dom.ts";
import { formatAgo, formatBytes, formatTime } from "../format.ts";
import { type JobOutcome, runJob } from "../jobs.ts";
import { sortableTable } from "../table.ts";
import {
  button,
  dl,
  errorBox,
  loadingSection,
  type PageContext,
  pageTitle,
  severityBadge,
} from "../ui.ts";
import type { Operation } from "./operations.ts";
import { operationsTable } from "./operations.ts";

interface Info {
  name: string;
  path: string;
  python: { version: string; implementation: string; path: string } | null;
  backend: string;
  description: string | null;
  created_at: string | null;
  last_used_at: string | null;
  requirements: string[];
  exists?: boolean;
  size_bytes?: number | null;
}

interface Package {
  name: string;
  version: string;
  installer?: string | null;
  requested?: boolean;
}

/** A node of `tree --format json`. */
export interface TreeNode {
  name: string;
  version: string | null;
  specifier: string;
  seen: boolean;
  dependencies: TreeNode[];
  extras?: string[];
  missing?: boolean;
}

interface DoctorCheck {
  id: string;
  severity: string;
  subject: string;
  message: string;
  hint?: string | null;
  fix?: string | null;
}

interface AuditFinding {
  package: string;
  version: string;
  id: string;
  aliases: string[];
  severity: string;
  summary: string;
  fixed_versions: string[];
}

/** The dependency tree as nested lists; nodes with dependencies are `<details>` (collapsible). */
export function treeView(nodes: readonly TreeNode[]): HTMLElement {
  if (nodes.length === 0) return h("p", {}, "No installed distribution.");
  const item = (node: TreeNode): HTMLLIElement => {
    const label: Child[] = [
      h("span", { class: "pkg" }, node.name),
      " ",
      h("span", { class: "ver" }, node.version ?? "not installed"),
      node.specifier ? h("span", { class: "muted" }, ` (requires ${node.specifier})`) : null,
      node.seen ? h("span", { class: "muted" }, " (shown above)") : null,
    ];
    if (node.dependencies.length === 0 || node.seen) return h("li", {}, label);
    return h(
      "li",
      {},
      h(
        "details",
        { open: true },
        h("summary", {}, label),
        h("ul", {}, node.dependencies.map(item)),
      ),
    );
  };
  return h("ul", { class: "tree" }, nodes.map(item));
}

/** `packages --lock --format json`'s `lock`: the environment's pylock.toml as data. */
interface LockData {
  path: string;
  exists: boolean;
  document: {
    "lock-version"?: string;
    "created-by"?: string;
    "requires-python"?: string;
    packages?: Array<{
      name: string;
      version?: string;
      index?: string;
      wheels?: Array<{ name?: string; url?: string }>;
      sdist?: { name?: string; url?: string };
      directory?: { path?: string };
      archive?: { url?: string; path?: string };
      vcs?: { url?: string; path?: string };
    }>;
  } | null;
}

type LockedPackage = NonNullable<NonNullable<LockData["document"]>["packages"]>[number];

function lockSource(p: LockedPackage): string {
  return p.wheels?.[0]?.name ?? p.sdist?.name ?? p.directory?.path ?? p.archive?.url ??
    p.archive?.path ?? p.vcs?.url ?? p.vcs?.path ?? "—";
}

function lockView(lock: LockData | undefined): HTMLElement {
  if (lock === undefined) return h("p", {}, "The server did not send the lock.");
  if (!lock.exists || lock.document === null) {
    return h(
      "p",
      {},
      "This environment has no lock (",
      h("span", { class: "mono" }, lock.path),
      ").",
    );
  }
  const doc = lock.document;
  const packages = doc.packages ?? [];
  return h(
    "div",
    {},
    dl([
      ["File", h("span", { class: "mono" }, lock.path)],
      ["Lock version", doc["lock-version"] ?? "—"],
      ["Created by", doc["created-by"] ?? "—"],
      ["Requires Python", doc["requires-python"] ?? "—"],
    ]),
    sortableTable<LockedPackage>(
      `${packages.length} locked distribution${packages.length === 1 ? "" : "s"}`,
      [
        {
          label: "Name",
          cell: (p) => h("span", { class: "pkg" }, p.name),
          sortValue: (p) => p.name,
        },
        {
          label: "Version",
          cell: (p) => p.version ?? "—",
          sortValue: (p) => p.version ?? null,
          version: true,
        },
        { label: "Index", cell: (p) => h("span", { class: "mono" }, p.index ?? "—") },
        { label: "File", cell: (p) => h("span", { class: "mono" }, lockSource(p)) },
      ],
      packages,
    ).element,
  );
}

function findingsView(data: unknown): HTMLElement {
  const d = data as {
    source?: string;
    targets?: Array<{ name: string; audited: number; findings: AuditFinding[] }>;
  } | null;
  const findings = (d?.targets ?? []).flatMap((t) => t.findings);
  const audited = (d?.targets ?? []).reduce((n, t) => n + t.audited, 0);
  const head = h(
    "p",
    {},
    `${audited} distribution${audited === 1 ? "" : "s"} audited against ${d?.source ?? "?"}: `,
    findings.length === 0
      ? "no known vulnerability."
      : `${findings.length} finding${findings.length === 1 ? "" : "s"}.`,
  );
  if (findings.length === 0) return h("div", {}, head);
  return h(
    "div",
    {},
    head,
    sortableTable<AuditFinding>("Vulnerabilities", [
      { label: "Package", cell: (f) => `${f.package} ${f.version}`, sortValue: (f) => f.package },
      {
        label: "Id",
        cell: (f) => [
          h("span", { class: "mono nowrap" }, f.id),
          f.aliases.length ? h("span", { class: "muted" }, ` (${f.aliases.join(", ")})`) : null,
        ],
      },
      {
        label: "Severity",
        cell: (f) => severityBadge(f.severity.toLowerCase()),
        sortValue: (f) => f.severity,
      },
      { label: "Summary", cell: (f) => h("span", { class: "prose" }, f.summary) },
      { label: "Fixed in", cell: (f) => f.fixed_versions.join(", ") || "no fix published" },
    ], findings).element,
  );
}

function doctorView(checks: DoctorCheck[], fixes: unknown[]): HTMLElement {
  const count = (severity: string) => checks.filter((c) => c.severity === severity).length;
  const [errors, warnings, notes] = [count("error"), count("warning"), count("info")];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const verdict = errors + warnings === 0
    ? `No problem in ${plural(checks.length, "check")}${
      notes > 0 ? ` (${plural(notes, "note")})` : ""
    }.`
    : `${
      [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""]
        .filter((s) => s !== "").join(" and ")
    } in ${plural(checks.length, "check")}.`;
  return h(
    "div",
    {},
    h(
      "p",
      {},
      verdict,
      fixes.length === 0
        ? ""
        : ` ${fixes.length} fix${fixes.length === 1 ? "" : "es"} can be applied.`,
    ),
    h(
      "ul",
      { class: "checks" },
      checks.map((c) =>
        h(
          "li",
          { class: `check sev-${c.severity.replace(/[^a-z]/g, "")}` },
          severityBadge(c.severity),
          " ",
          h("span", { class: "mono" }, c.id),
          ": ",
          c.message,
          c.hint ? h("p", { class: "hint" }, "Hint: ", c.hint) : null,
        )
      ),
    ),
  );
}

/** Draws the page of environment `name` into `main`. */
export async function environmentPage(
  main: HTMLElement,
  name: string,
  ctx: PageContext,
): Promise<void> {
  const ro = ctx.session.read_only;
  const refreshAll = () => {
    if (!ctx.left()) void environmentPage(main, name, ctx);
  };
  // Whatever the outcome (a failed install may have changed packages, and it is a recent
  // operation), the page is redrawn when the job ends, unless the user left it meanwhile.
  const act = async (
    request: JobRequest,
    after: (outcome: JobOutcome) => void = refreshAll,
  ) => {
    try {
      const outcome = await runJob(request);
      if (!ctx.left()) after(outcome);
    } catch {
      // The job card shows why the server refused it.
    }
  };

  const facts = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  replace(
    main,
    h(
      "nav",
      { class: "crumbs", "aria-label": "Breadcrumb" },
      h("a", { href: "#/environments" }, "Environments"),
      " / ",
      name,
    ),
    pageTitle(name),
    facts,
  );
  let info: Info;
  try {
    info = (await getEnvelope<Info>(envPath(name))).data as Info;
  } catch (error) {
    replace(facts, errorBox(error));
    return;
  }
  if (ctx.left()) return;
  replace(
    facts,
    dl([
      [
        "Python",
        info.python === null
          ? "missing"
          : `${info.python.version} (${info.python.implementation}) ${info.python.path}`,
      ],
      ["Backend", info.backend],
      ["Path", h("span", { class: "mono" }, info.path)],
      [
        "Disk size",
        info.exists === false ? "the folder is missing" : formatBytes(info.size_bytes ?? null),
      ],
      ["Created", formatTime(info.created_at)],
      ["Last used", `${formatAgo(info.last_used_at)} (${formatTime(info.last_used_at)})`],
      ["Requirements", info.requirements.length === 0 ? "none" : info.requirements.join(", ")],
      ["Description", info.description ?? "—"],
    ]),
  );

  // Actions.
  if (!ro) {
    const pkgInput = h("input", {
      type: "text",
      id: "install-packages",
      name: "packages",
      placeholder: "flask requests>=2",
      autocomplete: "off",
      required: true,
    });
    const installForm = h(
      "form",
      { class: "inline action", id: "install-form" },
      h("label", { for: "install-packages" }, "Install packages "),
      pkgInput,
      " ",
      h("button", { type: "submit", class: "primary" }, "Install"),
    );
    installForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const packages = pkgInput.value.trim().split(/[\s,]+/).filter((p) => p !== "");
      if (packages.length === 0) return;
      void act({ action: "install", env: name, packages });
    });
    const confirmInput = h("input", { type: "text", id: "delete-confirm", autocomplete: "off" });
    const deleteButton = h(
      "button",
      { type: "submit", class: "danger", disabled: true },
      "Delete this environment",
    );
    confirmInput.addEventListener("input", () => {
      deleteButton.disabled = confirmInput.value !== name;
    });
    const deleteForm = h(
      "form",
      { class: "inline action danger-zone", id: "delete-form" },
      h(
        "label",
        { for: "delete-confirm" },
        "Type ",
        h("strong", { class: "mono" }, name),
        " to delete it ",
      ),
      confirmInput,
      " ",
      deleteButton,
    );
    deleteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (confirmInput.value !== name) return;
      void act(
        { action: "delete", env: name, confirm: true, confirm_name: confirmInput.value },
        (outcome) => outcome.exitCode === 0 ? ctx.navigate("#/environments") : refreshAll(),
      );
    });
    main.append(
      h(
        "section",
        { class: "card actions", "aria-label": "Actions" },
        h("h2", {}, "Actions"),
        installForm,
        h(
          "div",
          { class: "inline" },
          button(
            "Update all packages",
            () => void act({ action: "update", env: name, all: true, confirm: true }),
            { class: "action" },
          ),
          " ",
          button("Sync to the lock", () => void act({ action: "sync", env: name, confirm: true }), {
            class: "action",
          }),
        ),
        deleteForm,
      ),
    );
  }

  // Packages.
  const packages = loadingSection("Packages", async () => {
    const env = await getEnvelope<{ packages: Package[] }>(envPath(name, "packages"));
    const list = env.data?.packages ?? [];
    return sortableTable<Package>(
      `${list.length} installed distribution${list.length === 1 ? "" : "s"}`,
      [
        {
          label: "Name",
          cell: (p) => h("span", { class: "pkg" }, p.name),
          sortValue: (p) => p.name,
        },
        {
          label: "Version",
          cell: (p) => p.version,
          sortValue: (p) => p.version,
          version: true,
        },
        {
          label: "Requested",
          cell: (p) => p.requested ? "yes" : "no (a dependency)",
          sortValue: (p) => p.requested ? 0 : 1,
        },
        ...(ro ? [] : [{
          label: "Actions",
          cell: (p: Package) =>
            h(
              "span",
              { class: "row-actions action" },
              button(
                "Update",
                () => void act({ action: "update", env: name, packages: [p.name], confirm: true }),
                {
                  "aria-label": `Update ${p.name}`,
                },
              ),
              " ",
              button("Uninstall", () => {
                if (globalThis.confirm(`Uninstall ${p.name} from ${name}?`)) {
                  void act({ action: "uninstall", env: name, packages: [p.name], confirm: true });
                }
              }, { "aria-label": `Uninstall ${p.name}`, class: "danger" }),
            ),
        }]),
      ],
      list,
      { rowKey: (p) => p.name },
    ).element;
  }, { id: "packages" });

  const tree = loadingSection("Dependency tree", async () => {
    const env = await getEnvelope<{ roots: TreeNode[] }>(envPath(name, "tree"));
    return treeView(env.data?.roots ?? []);
  }, { id: "tree" });

  const lock = loadingSection("Lock", async () => {
    const env = await getEnvelope<{ lock?: LockData }>(envPath(name, "lock"));
    return lockView(env.data?.lock);
  }, { id: "lock" });

  let doctorSection: { element: HTMLElement; reload: () => Promise<void> } | undefined = undefined;
  const doctorActions = h(
    "span",
    { class: "card-actions" },
    button("Run doctor", () => void doctorSection?.reload()),
    ro ? null : " ",
    ro ? null : button("Apply fixes", () =>
      // doctor --fix may reinstall packages and rewrite the lock: redraw the whole page.
      void act({ action: "doctor-fix", env: name, confirm: true }), { class: "action" }),
  );
  doctorSection = loadingSection("Doctor", async () => {
    try {
      const env = await getEnvelope<{ checks: DoctorCheck[]; fixes: unknown[] }>(
        envPath(name, "doctor"),
      );
      return doctorView(env.data?.checks ?? [], env.data?.fixes ?? []);
    } catch (error) {
      const data = error instanceof ApiError
        ? error.envelope?.data as { checks?: DoctorCheck[]; fixes?: unknown[] } | null
        : null;
      if (data !== null && data !== undefined && Array.isArray(data.checks)) {
        return doctorView(data.checks, data.fixes ?? []);
      }
      throw error;
    }
  }, { id: "doctor", actions: doctorActions });

  const audit = loadingSection("Security audit", async () => {
    try {
      const env = await getEnvelope<unknown>(envPath(name, "audit"));
      return findingsView(env.data);
    } catch (error) {
      // audit exits 1 when it finds vulnerabilities: its document lists them.
      if (error instanceof ApiError && error.envelope?.data) {
        return findingsView(error.envelope.data);
      }
      throw error;
    }
  }, { id: "audit" });

  const operations = loadingSection("Recent operations", async () => {
    const env = await getEnvelope<{ operations: Operation[] }>(envPath(name, "operations"));
    const ops = (env.data?.operations ?? []).slice(-20).reverse();
    return operationsTable(
      ops,
      `The last ${ops.length} operation${ops.length === 1 ? "" : "s"} on ${name}`,
      { environments: false },
    );
  }, { id: "operations" });

  main.append(
    h(
      "div",
      { class: "grid" },
      packages.element,
      tree.element,
      doctorSection.element,
      audit.element,
      operations.element,
      lock.element,
    ),
  );
}
