import { buildCommand } from "npm:@stricli/core@1.3.0";
import { EXIT_CODE, NetworkError, UsageError } from "../../lib/errors/mod.ts";
import { httpTimeouts } from "../../lib/config/mod.ts";
import { join } from "../../lib/paths/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, optionalText, repeatable } from "../_help.ts";
import { formatBytes } from "../_output.ts";

interface SyncFlags extends GlobalFlags {
  readonly from: string;
  readonly requirement?: readonly string[];
  readonly constraint?: readonly string[];
  readonly python?: string;
  readonly platforms?: string;
}

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
      ["gestvenv cache sync --from http://host:8080/simple/ flask", "what flask needs"],
    ]) +
      "\nFrom a `gestvenv cache serve` every file it lists (or, with requirements, what they" +
      "\nresolve to). From any other PEP 691/503 index, requirements are needed: they are resolved" +
      "\nfor the interpreter (--python) against that index alone. Each file is verified against" +
      "\nthe index's sha256 before it enters the cache; a file without one is refused.",
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
      requirement: repeatable("Requirements file (repeatable)", "file"),
      constraint: repeatable("Constraints file (repeatable)", "file"),
      python: optionalText("Interpreter to resolve requirements for (3.12, a path)", "request"),
      platforms: optionalText(
        "Only wheels for these platform tags, comma-separated (whole-index sync)",
        "tags",
      ),
    },
    aliases: { ...GLOBAL_ALIASES, r: "requirement", c: "constraint" },
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
    const platforms = (flags.platforms ?? "").split(",").map((t) => t.trim()).filter((t) => t);
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
    const http = new HttpClient(httpTimeouts(settings));
    const remote = await probeIndex(from, http);
    let files;
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
      ctx.printer.info(
        `${
          redactUrl(from)
        } is a gestvenv ${remote.version} cache with ${remote.projects.length} projects`,
      );
      const client = new IndexClient({
        indexes: [remote.url],
        cacheDir: ctx.home.cacheDir,
        http,
        refresh: true,
      });
      files = await listIndexFiles(client, remote.projects, platforms);
    } else {
      if (platforms.length > 0) {
        throw new UsageError("--platforms applies to a whole-index sync, not to requirements", {
          hint:
            "To fetch requirements for other platforms use `gestvenv cache add --platforms … --index-url URL`",
        });
      }
      const { resolveRequirements } = await import("../../lib/packages/mod.ts");
      const env = ctx.environments();
      // That index alone: no extra index or find-links of the configuration.
      const only = { source: "flag", origin: "--from" } as const;
      const resolution = await resolveRequirements({
        ...env,
        settings: {
          ...settings,
          indexUrl: { ...only, value: remote.url },
          extraIndexUrls: { ...only, value: [] },
          findLinks: { ...only, value: [] },
        },
      }, {
        requirements,
        requirementFiles: [...(flags.requirement ?? [])],
        constraintFiles: [...(flags.constraint ?? [])],
        refresh: true,
      });
      files = resolution.resolution.packages.map((p) => ({
        url: p.file.url,
        filename: p.file.filename,
        sha256: p.file.sha256,
        size: p.file.size,
        project: p.name,
        version: p.version,
      }));
    }
    if (ctx.dryRun) {
      // The tree is the truth; nothing is opened for writing.
      const { ARTIFACTS_BUCKET } = await import("../../lib/cache/mod.ts");
      const present = async (sha: string | null) =>
        sha !== null &&
        await Deno.stat(join(ctx.home.cacheDir, ARTIFACTS_BUCKET, sha.slice(0, 2), sha))
          .then(() => true, () => false);
      const missing = [];
      for (const f of files) if (!(await present(f.sha256))) missing.push(f);
      for (const f of missing) ctx.printer.info(`Would fetch ${f.filename}`);
      ctx.printer.info(
        `Would fetch ${missing.length} file(s); ${
          files.length - missing.length
        } already in the cache`,
      );
      return;
    }
    const { openCache } = await import("../../lib/cache/mod.ts");
    const cache = await openCache(ctx.home.cacheDir);
    let result;
    try {
      result = await syncFiles(cache, files, http, {
        signal: ctx.signal,
        onOutcome: (o) => {
          if (o.status === "new") ctx.printer.info(`+ ${o.file.filename}`);
        },
      });
    } finally {
      cache.close();
    }
    if (format === "json") {
      ctx.printer.json("cache sync", {
        from: redactUrl(from),
        gestvenv: remote.gestvenv,
        added: result.added,
        added_bytes: result.addedBytes,
        present: result.present,
        rejected: result.rejected,
        files: result.outcomes.map((o) => ({
          filename: o.file.filename,
          project: o.file.project,
          version: o.file.version,
          sha256: o.file.sha256,
          status: o.status,
          reason: o.reason ?? null,
        })),
      });
    } else {
      const rejected = result.outcomes.filter((o) => o.status === "rejected");
      if (rejected.length > 0) {
        await ctx.printer.table(
          ["Rejected file", "Why"],
          rejected.map((o) => [o.file.filename, o.reason ?? ""]),
        );
      }
      const summary = `Synced from ${redactUrl(from)}: ${result.added} new (${
        formatBytes(result.addedBytes)
      }), ${result.present} already present, ${result.rejected} rejected`;
      if (result.rejected > 0) ctx.printer.warn(summary);
      else ctx.printer.success(summary);
    }
    return result.rejected > 0 ? EXIT_CODE.NETWORK : EXIT_CODE.OK;
  }, { effect: "changes" }),
});
