/// <reference lib="dom" />
/**
 * The System page: `system-info --format json` (gestvenv, runtime, system, paths, disks, sizes,
 * interpreters), each probe's failure shown as what it is.
 *
 * @module
 */
import { getEnvelope } from "../api.ts";
import { type Child, h, replace } from "../dom.ts";
import { formatBytes } from "../format.ts";
import { sortableTable } from "../table.ts";
import { dl, loadingSection, type PageContext, pageTitle } from "../ui.ts";

/** A probe's result in `system-info`: `{status:"ok", value}` or `{status, error}`. */
interface Probe<T> {
  status: string;
  value?: T;
  error?: string;
  message?: string;
}

function probe<T>(p: Probe<T> | undefined, show: (value: T) => Child): Child {
  if (p === undefined) return "—";
  if (p.status === "ok" && p.value !== undefined) return show(p.value);
  return h("span", { class: "warning-text" }, `${p.status}: ${p.error ?? p.message ?? "unknown"}`);
}

interface Interpreter {
  version: string;
  implementation: string;
  path: string;
  source: string;
}

interface SystemInfo {
  gestvenv: { version: string; mode: string; executable: string };
  runtime: Record<string, string>;
  system: {
    os: string;
    os_release: string;
    arch: string;
    target: string;
    libc: Probe<{ family: string; version: string }>;
    cpus: number;
    memory: { total_bytes: number; free_bytes: number; available_bytes: number } | null;
  };
  paths: Record<string, string>;
  disk: Record<string, Probe<{ free_bytes: number; total_bytes: number; mount: string }>>;
  sizes: Record<string, Probe<number>>;
  environments: Probe<number>;
  interpreters: Probe<Interpreter[]>;
}

/** Draws the System page into `main`. */
export function systemPage(main: HTMLElement, _ctx: PageContext): Promise<void> {
  const section = loadingSection("This machine", async () => {
    const env = await getEnvelope<SystemInfo>("/api/v1/system");
    const s = env.data as SystemInfo;
    const pairs: Array<[string, Child]> = [
      ["gestvenv", `${s.gestvenv.version} (${s.gestvenv.mode})`],
      ["Executable", h("span", { class: "mono" }, s.gestvenv.executable)],
      ["Runtime", Object.entries(s.runtime ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")],
      ["System", `${s.system.os} ${s.system.os_release} (${s.system.arch}, ${s.system.target})`],
      ["C library", probe(s.system.libc, (l) => `${l.family} ${l.version}`)],
      ["CPUs", String(s.system.cpus)],
      [
        "Memory",
        s.system.memory === null || s.system.memory === undefined
          ? "unknown"
          : `${formatBytes(s.system.memory.available_bytes)} available of ${
            formatBytes(s.system.memory.total_bytes)
          }`,
      ],
      ...Object.entries(s.paths ?? {}).map((
        [k, v],
      ): [string, Child] => [`Path: ${k}`, h("span", { class: "mono" }, v)]),
      ...Object.entries(s.disk ?? {}).map(([k, v]): [string, Child] => [
        `Disk of ${k}`,
        probe(
          v,
          (d) => `${formatBytes(d.free_bytes)} free of ${formatBytes(d.total_bytes)} (${d.mount})`,
        ),
      ]),
      ...Object.entries(s.sizes ?? {}).map(([k, v]): [string, Child] => [
        `Size: ${k.replace(/_bytes$/, "")}`,
        probe(v, (n) => formatBytes(n)),
      ]),
      ["Environments", probe(s.environments, (n) => String(n))],
    ];
    const interpreters = s.interpreters?.status === "ok" ? s.interpreters.value ?? [] : [];
    return h(
      "div",
      {},
      dl(pairs),
      s.interpreters?.status === "ok"
        ? sortableTable<Interpreter>("Python interpreters found", [
          {
            label: "Version",
            cell: (i) => i.version,
            sortValue: (i) => i.version,
            version: true,
          },
          { label: "Implementation", cell: (i) => i.implementation },
          { label: "Source", cell: (i) => i.source, sortValue: (i) => i.source },
          { label: "Path", cell: (i) => h("span", { class: "mono" }, i.path) },
        ], interpreters).element
        : dl([["Interpreters", probe(s.interpreters, () => "")]]),
    );
  }, { id: "system" });
  replace(main, pageTitle("System"), section.element);
  return Promise.resolve();
}
