import { buildCommand } from "npm:@stricli/core@1.3.0";
import { EXIT_CODE, NetworkError, UsageError } from "../../lib/errors/mod.ts";
import { httpTimeouts } from "../../lib/config/mod.ts";
import { join } from "../../lib/paths/mod.ts";
import { parsePlatformList } from "../../lib/platforms/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples } from "../_help.ts";
import { formatBytes } from "../_output.ts";
import { RESOLVE_ALIASES } from "../_resolve_flags.ts";
import { TARGET_FLAGS, type TargetFlags, targetOptions } from "./_targets.ts";

interface SyncFlags extends GlobalFlags, Omit<TargetFlags, "indexUrl"> {
  readonly from: string;
}

/** One file of the summary, whichever way it was fetched. */
interface SyncedFile {
  filename: string;
  project: string;
  version: string;
  sha256: string | null;
  status: "new" | "present" | "planned" | "rejected";
  reason: string | null;
  /** The platform it was resolved for (requirements), or null (a whole-index sync). */
  platform: string | null;
  size: number;
}

const { indexUrl: _indexUrl, ...targetFlags } = TARGET_FLAGS;

/** `gestvenv cache sync --from URL`: another index's files into the cache, verified. */
export const cacheSyncCommand = buildCommand<SyncFlags, string[], CliContext>({
  docs: {
    brief: "Pull into the cache what another index has (a gestvenv cache serve, or any index)",
    fullDescription: examples([
      ["gestvenv cache sync --from http://host:8080/simple/", "everything a cache serve has"],
      [
        "gestvenv cache sync --from http://host:8080/simple/ --platforms manylinux_2_28_x86_64",
        "only what fits",
      ],
      ["gestvenv cache sync --from https://pypi.org/simple -r requirements.txt", "any index"],
      [
        "gestvenv cache sync --from URL numpy --platforms win_amd64 --python-version 3.12",
        "for another machine",
      ],
    ]) +
      "\nFrom a `gestvenv cache serve` without requirements: every file it lists (with --platforms," +
      "\nthe wheels that run there, and sdists). With requirements, from any PEP 691/503 index:" +
      "\nwhat they resolve to against that index alone, for this interpreter or each --platforms" +
      "\nmachine (as `cache add` does). Each file enters the cache only if it matches the index's" +
      "\nsha256; a file without one is refused. Exit 5 when a file was rejected, 4 when a platform" +
      "\nhas no resolution.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      from: {
        kind: "parsed",
        parse: String,
        brief: "The index's simple API URL",
        placeholder: "url",
      },
      ...targetFlags,
    },
    aliases: { ...GLOBAL_ALIASES, ...RESOLVE_ALIASES },
    positional: {
      kind: "array",
      parameter: { brief: "Requirements (PEP 508)", parse: String, placeholder: "requirement" },
    },
  },
  func: action("cache sync", async (ctx, flags: SyncFlags, ...requirements: string[]) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const { HttpClient, IndexClient, redactUrl } = await import("../../lib/index/mod.ts");
    const { listIndexFiles, probeIndex, syncFiles } = await import("../../lib/serve/mod.ts");
    const from = flags.from.replace(/\/+$/, "");
    if (!/^https?:\/\//i.test(from)) {
      throw new UsageError(`--from ${JSON.stringify(flags.from)} is not an http(s) URL`, {
        hint: "Give the index's simple API root, e.g. http://host:8080/simple/",
      });
    }
    const wanted = requirements.length > 0 || (flags.requirement ?? []).length > 0;
    const settings = ctx.settings;
    if (settings.offline.value) {
      throw new NetworkError(
        `\`cache sync\` downloads from ${
          redactUrl(from)
        }; offline mode (${settings.offline.origin}) forbids it`,
        { hint: "Run it without --offline, on a machine that reaches the index" },
      );
    }
    const http = new HttpClient({
      ...httpTimeouts(settings),
      allowedSources: settings.allowedSources.value,
    });
    const remote = await probeIndex(from, http);
    const files: SyncedFile[] = [];
    let failures: { platform: string; message: string }[] = [];
    if (!wanted) {
      if (!remote.gestvenv || remote.projects === null) {
        throw new UsageError(
          `${redactUrl(from)} is not a gestvenv cache server, so it does not say what to take`,
          {
            hint:
              "Name the requirements to pull (PKG... or -r FILE): they are resolved against that index",
          },
        );
      }
      if (flags.pythonVersion !== undefined || flags.implementation !== undefined) {
        throw new UsageError("--python-version and --implementation need requirements to resolve", {
          hint:
            "A whole-index sync takes every file that fits --platforms; name requirements to resolve",
        });
      }
      const platforms = flags.platforms === undefined ? [] : parsePlatformList(flags.platforms);
      ctx.printer.info(
        `${redactUrl(remote.url)} is a gestvenv ${remote.version} cache with ` +
          `${remote.projects.length} project${remote.projects.length === 1 ? "" : "s"}`,
      );
      const client = new IndexClient({
        indexes: [remote.url],
        cacheDir: ctx.home.cacheDir,
        http,
        refresh: true,
      });
      const listed = await listIndexFiles(client, remote.projects, platforms);
      if (ctx.dryRun) {
        // The tree is the truth; nothing is opened for writing.
        const { ARTIFACTS_BUCKET } = await import("../../lib/cache/mod.ts");
        for (const f of listed) {
          const held = f.sha256 !== null &&
            await Deno.stat(
              join(ctx.home.cacheDir, ARTIFACTS_BUCKET, f.sha256.slice(0, 2), f.sha256),
            )
              .then(() => true, () => false);
          files.push({
            ...f,
            status: held ? "present" : "planned",
            reason: null,
            platform: null,
            size: f.size ?? 0,
          });
        }
      } else {
        const { openCache } = await import("../../lib/cache/mod.ts");
        const cache = await openCache(ctx.home.cacheDir);
        try {
          const result = await syncFiles(cache, listed, http, {
            signal: ctx.signal,
            onOutcome: (o) => {
              if (o.status === "new") ctx.printer.info(`+ ${o.file.filename}`);
            },
          });
          for (const o of result.outcomes) {
            files.push({
              filename: o.file.filename,
              project: o.file.project,
              version: o.file.version,
              sha256: o.file.sha256,
              status: o.status,
              reason: o.reason ?? null,
              platform: null,
              size: o.stored?.size ?? o.file.size ?? 0,
            });
          }
        } finally {
          cache.close();
        }
      }
    } else {
      // What `cache add` does, against that index alone (no extra index or find-links).
      const { prefetchArtifacts } = await import("../../lib/packages/mod.ts");
      const env = ctx.environments();
      const only = { source: "flag", origin: "--from" } as const;
      const report = await prefetchArtifacts({
        ...env,
        settings: {
          ...settings,
          indexUrl: { ...only, value: remote.url },
          extraIndexUrls: { ...only, value: [] },
          findLinks: { ...only, value: [] },
        },
      }, { ...targetOptions(flags, requirements), refresh: true, dryRun: ctx.dryRun });
      const seen = new Set<string>();
      for (const target of report.targets) {
        const platform = report.targets.length > 1 || (flags.platforms ?? []).length > 0
          ? target.platform
          : null;
        for (const f of target.files) {
          if (seen.has(f.sha256)) continue;
          seen.add(f.sha256);
          files.push({
            filename: f.filename,
            project: f.project,
            version: f.version,
            sha256: f.sha256,
            status: f.state === "added" ? "new" : f.state,
            reason: f.buildFor === null ? null : `builds ${f.buildFor}`,
            platform,
            size: f.size,
          });
          if (f.state === "added") ctx.printer.info(`+ ${f.filename}`);
        }
        for (const u of target.unverifiable) {
          files.push({
            filename: u.filename,
            project: u.project,
            version: u.version,
            sha256: null,
            status: "rejected",
            reason: "the index gives no sha256 to verify it",
            platform,
            size: 0,
          });
        }
      }
      failures = report.targets.filter((t) => t.failure !== null).map((t) => ({
        platform: t.platform,
        message: t.failure!.message,
      }));
    }
    const count = (status: SyncedFile["status"]) => files.filter((f) => f.status === status);
    const added = count(ctx.dryRun ? "planned" : "new");
    const addedBytes = added.reduce((n, f) => n + f.size, 0);
    const present = count("present").length;
    const rejected = count("rejected");
    if (format === "json") {
      ctx.printer.json("cache sync", {
        from: redactUrl(remote.url),
        gestvenv: remote.gestvenv,
        dry_run: ctx.dryRun,
        added: added.length,
        added_bytes: addedBytes,
        present,
        rejected: rejected.length,
        failures,
        files,
      }, failures.length > 0 || rejected.length > 0 ? "error" : "success");
    } else {
      if (rejected.length > 0) {
        await ctx.printer.table(
          ["Rejected file", "Why"],
          rejected.map((f) => [f.filename, f.reason ?? ""]),
        );
      }
      for (const f of failures) ctx.printer.warn(`${f.platform}: ${f.message}`);
      if (ctx.dryRun) {
        for (const f of added) ctx.printer.info(`Would fetch ${f.filename}`);
        ctx.printer.info(
          `Would fetch ${added.length} file(s) (${
            formatBytes(addedBytes)
          }); ${present} already in the cache`,
        );
      } else {
        const summary = `Synced from ${redactUrl(remote.url)}: ${added.length} new (${
          formatBytes(addedBytes)
        }), ${present} already present, ${rejected.length} rejected`;
        if (rejected.length > 0 || failures.length > 0) ctx.printer.warn(summary);
        else ctx.printer.success(summary);
      }
    }
    if (rejected.length > 0) return EXIT_CODE.NETWORK;
    return failures.length > 0 ? EXIT_CODE.PACKAGE_NOT_FOUND : EXIT_CODE.OK;
  }, { effect: "changes" }),
});
