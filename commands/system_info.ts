import { buildCommand } from "npm:@stricli/core@1.3.0";
import { loadRegistry } from "../lib/environments/mod.ts";
import { findInterpreters, newestFirst } from "../lib/python/mod.ts";
import {
  detectLibc,
  directorySize,
  diskSpace,
  PROBE_TIMEOUT_MS,
  type ProbeResult,
  runtimeInfo,
  timeBound,
} from "../lib/system/mod.ts";
import { backendsFor } from "./backend/_describe.ts";
import { redactValue } from "./config/_keys.ts";
import {
  action,
  type CliContext,
  type CommandContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { examples } from "./_help.ts";
import { UsageError } from "../lib/errors/mod.ts";
import { formatBytes } from "./_output.ts";
import { VERSION } from "./_version.ts";

/** The index settings as `system-info` shows them, URLs redacted (`user:token@` dropped). */
interface IndexReport {
  /** The primary index URL, or null for PyPI (`https://pypi.org/simple`). */
  index_url: string | null;
  /** Where it comes from (`flag`, `env`, `project`, `config`, `pip`, `default`). */
  index_url_source: string;
  extra_index_urls: string[];
  find_links: string[];
  offline: boolean;
}

/**
 * Everything `system-info` reports (the JSON `data`; keys are stable). Each slow probe gives up
 * after `timeoutMs` (default {@linkcode PROBE_TIMEOUT_MS}, 2000 ms) and says `timed out`.
 */
export async function gatherSystemInfo(ctx: CommandContext, timeoutMs = PROBE_TIMEOUT_MS) {
  const home = ctx.home;
  const memory = (() => {
    try {
      const m = Deno.systemMemoryInfo();
      return { total_bytes: m.total, free_bytes: m.free, available_bytes: m.available };
    } catch {
      return { total_bytes: null, free_bytes: null, available_bytes: null };
    }
  })();
  const settingsProbe = (): ProbeResult<IndexReport> => {
    try {
      const s = ctx.settings;
      return {
        status: "ok",
        value: {
          index_url: s.indexUrl.value === undefined ? null : redactValue(s.indexUrl.value),
          index_url_source: s.indexUrl.source,
          extra_index_urls: redactValue(s.extraIndexUrls.value),
          find_links: redactValue(s.findLinks.value),
          offline: s.offline.value,
        },
      };
    } catch (error) {
      return {
        status: "unavailable",
        value: null,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };
  // The slow questions run together, each bounded (2 s unless --timeout says otherwise).
  const bounded = <T>(probe: (signal: AbortSignal) => Promise<T>) => timeBound(probe, timeoutMs);
  const [libc, diskHome, diskCache, homeBytes, cacheBytes, environments, interpreters, backends] =
    await Promise.all([
      bounded((signal) => detectLibc(signal)),
      bounded((signal) => diskSpace(home.root, signal)),
      bounded((signal) => diskSpace(home.cacheDir, signal)),
      bounded((signal) => directorySize(home.root, signal)),
      bounded((signal) => directorySize(home.cacheDir, signal)),
      bounded(async () => (await loadRegistry(ctx.environments())).environments.size),
      bounded(async () =>
        (await findInterpreters({ cacheDir: home.cacheDir }))
          .sort((a, b) => newestFirst(a.info, b.info))
          .map((i) => ({
            version: i.info.version,
            implementation: i.info.implementation_display,
            path: i.path,
            real_path: i.realPath,
            source: i.source,
          }))
      ),
      bounded(async () =>
        (await backendsFor(ctx)).map((b) => ({
          name: b.name,
          available: b.available,
          version: b.version,
          path: b.path,
          default: b.default,
        }))
      ),
    ]);
  const runtime = runtimeInfo(import.meta.url);
  return {
    gestvenv: {
      version: VERSION,
      mode: runtime.mode,
      executable: runtime.executable,
      source: runtime.source,
    },
    runtime: { deno: runtime.deno, v8: runtime.v8, typescript: runtime.typescript },
    system: {
      os: Deno.build.os,
      os_release: (() => {
        try {
          return Deno.osRelease();
        } catch {
          return null;
        }
      })(),
      arch: Deno.build.arch,
      target: Deno.build.target,
      libc,
      cpus: navigator.hardwareConcurrency ?? null,
      memory,
    },
    paths: { home: home.root, cache: home.cacheDir },
    disk: { home: diskHome, cache: diskCache },
    sizes: { home_bytes: homeBytes, cache_bytes: cacheBytes },
    environments,
    interpreters,
    backends,
    index: settingsProbe(),
  };
}

type SystemInfo = Awaited<ReturnType<typeof gatherSystemInfo>>;

/** A probe's value as one table cell, or its failure. */
function cell<T>(probe: ProbeResult<T>, show: (value: T) => string): string {
  switch (probe.status) {
    case "ok":
      return show(probe.value);
    case "timed out":
      return `timed out (${probe.timeout_ms / 1000} s)`;
    case "unavailable":
      return `unknown (${probe.error})`;
  }
}

const bytesOrUnknown = (n: number | null) => n === null ? "unknown" : formatBytes(n);

/** The report as sections of `key  value` lines (the table), in a fixed order. */
export function systemInfoSections(info: SystemInfo): Array<[string, Array<[string, string]>]> {
  const disk = (p: SystemInfo["disk"]["home"]) =>
    cell(p, (d) => `${formatBytes(d.free_bytes)} free of ${formatBytes(d.total_bytes)}`);
  const interpreters: Array<[string, string]> = info.interpreters.status === "ok"
    ? info.interpreters.value.map((i) => [`${i.implementation} ${i.version}`, i.path])
    : [["interpreters", cell(info.interpreters, () => "")]];
  if (interpreters.length === 0) interpreters.push(["interpreters", "none found"]);
  const backends: Array<[string, string]> = info.backends.status === "ok"
    ? info.backends.value.map((b) => [
      b.name,
      (b.available ? (b.version ?? "version unknown") : "not available") +
      (b.path === null ? "" : ` (${b.path})`) + (b.default ? ", default" : ""),
    ])
    : [["backends", cell(info.backends, () => "")]];
  const index: Array<[string, string]> = info.index.status === "ok"
    ? [
      [
        "index url",
        info.index.value.index_url === null
          ? "https://pypi.org/simple (default)"
          : `${info.index.value.index_url} (from ${info.index.value.index_url_source})`,
      ],
      ["extra index urls", info.index.value.extra_index_urls.join(", ") || "none"],
      ["find links", info.index.value.find_links.join(", ") || "none"],
      ["offline", info.index.value.offline ? "yes" : "no"],
    ]
    : [["settings", cell(info.index, () => "")]];
  const libc = cell(
    info.system.libc,
    (l) => l.family === "unknown" ? "unknown" : `${l.family} ${l.version ?? "(version unknown)"}`,
  );
  return [
    ["gestvenv", [
      ["version", info.gestvenv.version],
      ["runs as", info.gestvenv.mode],
      ["executable", info.gestvenv.executable],
      ["source", info.gestvenv.source],
    ]],
    ["runtime", [
      ["deno", info.runtime.deno],
      ["v8", info.runtime.v8],
      ["typescript", info.runtime.typescript],
    ]],
    ["system", [
      ["os", `${info.system.os}${info.system.os_release ? ` ${info.system.os_release}` : ""}`],
      ["arch", info.system.arch],
      ["libc", libc],
      ["cpus", info.system.cpus === null ? "unknown" : String(info.system.cpus)],
      ["memory total", bytesOrUnknown(info.system.memory.total_bytes)],
      ["memory available", bytesOrUnknown(info.system.memory.available_bytes)],
    ]],
    ["storage", [
      ["home", info.paths.home],
      ["home size", cell(info.sizes.home_bytes, formatBytes)],
      ["home disk", disk(info.disk.home)],
      ["cache", info.paths.cache],
      ["cache size", cell(info.sizes.cache_bytes, formatBytes)],
      ["cache disk", disk(info.disk.cache)],
      ["environments", cell(info.environments, String)],
    ]],
    ["interpreters", interpreters],
    ["backends", backends],
    ["index", index],
  ];
}

interface SystemInfoFlags extends GlobalFlags {
  /** Seconds per slow probe. */
  readonly timeout?: number;
}

/** `--timeout SECONDS`: a positive number, at most an hour. */
function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0) || seconds > 3600) {
    throw new UsageError(`\`--timeout ${value}\` is not a number of seconds`, {
      hint: "Give seconds between 0 and 3600: --timeout 10",
    });
  }
  return seconds;
}

/** `gestvenv system-info`: the machine, the runtime, the interpreters, backends and settings. */
export const systemInfoCommand = buildCommand<SystemInfoFlags, [], CliContext>({
  docs: {
    brief: "Describe this machine and gestvenv's setup (for bug reports; secrets redacted)",
    fullDescription:
      "Versions, OS, libc, CPUs, memory, disk space, interpreters, backends, index " +
      "settings (credentials removed) and home/cache sizes. Slow probes run in parallel and each " +
      'gives up after 2 s ("timed out"; `--timeout` gives them longer). No network is used.\n\n' +
      examples([
        ["gestvenv system-info", "sections of key/value lines"],
        ["gestvenv system-info --timeout 10", "a slow machine: wait up to 10 s per probe"],
        ["gestvenv system-info --format json", "for a bug report or a script"],
      ]),
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      timeout: {
        kind: "parsed",
        parse: parseTimeout,
        brief: "Seconds each slow probe may take before it is reported as timed out (default 2)",
        placeholder: "SECONDS",
        optional: true,
      },
    },
    aliases: GLOBAL_ALIASES,
  },
  func: action("system-info", async (ctx, flags: SystemInfoFlags) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const info = await gatherSystemInfo(
      ctx,
      flags.timeout === undefined ? PROBE_TIMEOUT_MS : flags.timeout * 1000,
    );
    if (format === "json") {
      ctx.printer.json("system-info", info);
      return;
    }
    const sections = systemInfoSections(info);
    const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([k]) => k.length)));
    const lines: string[] = [];
    for (const [title, rows] of sections) {
      if (lines.length > 0) lines.push("");
      lines.push(ctx.printer.out.bold(title));
      for (const [key, value] of rows) lines.push(`  ${key.padEnd(width)}  ${value}`);
    }
    ctx.printer.data(lines.join("\n"));
  }, { effect: "reads" }),
});
