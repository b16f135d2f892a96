import { buildCommand } from "npm:@stricli/core@1.3.0";
import { EXIT_CODE, NetworkError, UsageError } from "../../lib/errors/mod.ts";
import { parseRequirement, type Requirement } from "../../lib/pep508/mod.ts";
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

interface PublishFlags extends GlobalFlags {
  readonly to: string;
  readonly only?: readonly string[];
  readonly requirement?: readonly string[];
  readonly username?: string;
  readonly password?: string;
}

/** `gestvenv cache publish --to URL`: the cache's files to an index server (twine's upload API). */
export const cachePublishCommand = buildCommand<PublishFlags, string[], CliContext>({
  docs: {
    brief: "Upload cached packages to a package index server (the upload API twine uses)",
    fullDescription: examples([
      ["gestvenv cache publish --to http://127.0.0.1:8080/", "everything, to a pypiserver"],
      ["gestvenv cache publish --to https://devpi.example/team/prod/ flask", "only flask's files"],
      ["gestvenv cache publish --to URL -r requirements.txt -u ci -p TOKEN", "named ones"],
      ["TWINE_USERNAME=ci TWINE_PASSWORD=… gestvenv cache publish --to URL", "credentials"],
    ]) +
      "\nThe URL is the server's upload URL (twine's --repository-url). Requirements select the" +
      "\ncached files of those projects whose version matches (no dependencies are added); without" +
      "\nthem every cached file is sent (refused for pypi.org: name your projects there). Files" +
      "\nthe server already has are skipped (twine's --skip-existing). Credentials: -u/-p, else" +
      "\nTWINE_USERNAME/TWINE_PASSWORD, else the URL's user:password@, else ~/.netrc.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      to: { kind: "parsed", parse: String, brief: "The server's upload URL", placeholder: "url" },
      only: repeatable("Only the cached files of this requirement (repeatable)", "requirement"),
      requirement: repeatable("Only the files of the requirements in this file", "file"),
      username: optionalText("User name (else TWINE_USERNAME or ~/.netrc)", "user"),
      password: optionalText("Password or token (else TWINE_PASSWORD or ~/.netrc)", "password"),
    },
    aliases: { ...GLOBAL_ALIASES, r: "requirement", u: "username", p: "password" },
    positional: {
      kind: "array",
      parameter: {
        brief: "Requirements selecting files (PEP 508)",
        parse: String,
        placeholder: "requirement",
      },
    },
  },
  func: action("cache publish", async (ctx, flags: PublishFlags, ...positional: string[]) => {
    const format = formatFor(ctx, ["table", "json"], "table");
    const { openCache } = await import("../../lib/cache/mod.ts");
    const { publishArtifacts, selectArtifacts, uploadCredentials } = await import(
      "../../lib/serve/mod.ts"
    );
    const { readRequirementsFile } = await import("../../lib/requirements_file/mod.ts");
    const { redactUrl } = await import("../../lib/index/mod.ts");
    if (!/^https?:\/\//i.test(flags.to)) {
      throw new UsageError(`--to ${JSON.stringify(flags.to)} is not an http(s) URL`, {
        hint: "Give the server's upload URL, e.g. http://127.0.0.1:8080/ for pypiserver",
      });
    }
    const target = redactUrl(flags.to);
    const offline = ctx.settings.offline;
    if (offline.value && !ctx.dryRun) {
      throw new NetworkError(
        `\`cache publish\` uploads to ${target}; offline mode (${offline.origin}) forbids it`,
        { hint: "Run it without --offline, on a machine that reaches the server" },
      );
    }
    const requirements: Requirement[] = [...positional, ...(flags.only ?? [])].map((text) =>
      parseRequirement(text, "command line")
    );
    for (const path of flags.requirement ?? []) {
      requirements.push(
        ...(await readRequirementsFile(path)).requirements.map((l) => l.requirement),
      );
    }
    if (requirements.length === 0 && /(^|\.)pypi\.org$/i.test(new URL(flags.to).hostname)) {
      throw new UsageError(
        `Publishing the whole cache to ${target} would upload every project's files, not yours`,
        { hint: "Name the projects to publish: PKG..., --only REQ or -r FILE" },
      );
    }
    const selected = (rows: Parameters<typeof selectArtifacts>[0]) => {
      const picked = selectArtifacts(rows, requirements);
      if (picked.length === 0) {
        throw new UsageError(
          requirements.length === 0
            ? "The cache holds nothing to publish"
            : `The cache holds no file of ${requirements.map((r) => r.name).join(", ")}`,
          { hint: "Fill it with `gestvenv cache add PKG` (or any install), then publish" },
        );
      }
      return picked;
    };
    if (ctx.dryRun) {
      const cache = await openCache(ctx.home.cacheDir);
      try {
        const rows = selected(await cache.list());
        for (const row of rows) ctx.printer.info(`Would upload ${row.filename} to ${target}`);
        ctx.printer.info(
          `Would upload ${rows.length} file(s) (${
            formatBytes(rows.reduce((n, r) => n + r.size, 0))
          })`,
        );
      } finally {
        cache.close();
      }
      return;
    }
    const credentials = await uploadCredentials(flags.to, {
      ...(flags.username !== undefined ? { username: flags.username } : {}),
      ...(flags.password !== undefined ? { password: flags.password } : {}),
    });
    const cache = await openCache(ctx.home.cacheDir);
    let result;
    try {
      const rows = selected(await cache.list());
      result = await publishArtifacts(cache, rows, {
        url: flags.to,
        credentials,
        signal: ctx.signal,
        onOutcome: (o) => {
          if (o.status === "uploaded") ctx.printer.info(`↑ ${o.artifact.filename}`);
        },
      });
    } finally {
      cache.close();
    }
    if (format === "json") {
      ctx.printer.json("cache publish", {
        to: target,
        uploaded: result.uploaded,
        uploaded_bytes: result.uploadedBytes,
        present: result.present,
        failed: result.failed,
        files: result.outcomes.map((o) => ({
          filename: o.artifact.filename,
          project: o.artifact.project,
          version: o.artifact.version,
          sha256: o.artifact.sha256,
          status: o.status,
          reason: o.reason ?? null,
        })),
      });
    } else {
      const failed = result.outcomes.filter((o) => o.status === "failed");
      if (failed.length > 0) {
        await ctx.printer.table(
          ["Refused file", "Server's answer"],
          failed.map((o) => [o.artifact.filename, o.reason ?? ""]),
        );
      }
      const summary = `Published to ${target}: ${result.uploaded} uploaded (${
        formatBytes(result.uploadedBytes)
      }), ${result.present} already there, ${result.failed} refused`;
      if (result.failed > 0) ctx.printer.warn(summary);
      else ctx.printer.success(summary);
    }
    return result.failed > 0 ? EXIT_CODE.GENERAL : EXIT_CODE.OK;
  }, { effect: "changes" }),
});
