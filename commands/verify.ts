import { buildCommand } from "npm:@stricli/core@1.3.0";
import { getEnvironment, openEnvironment } from "../lib/environments/mod.ts";
import { OperationError } from "../lib/errors/mod.ts";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "./_context.ts";
import { environmentFlag, examples, toggle } from "./_help.ts";
import { resolveTarget } from "./_target.ts";

interface VerifyFlags extends GlobalFlags {
  readonly env?: string;
  readonly sourceOnly?: boolean;
  readonly signatures?: boolean;
  readonly requireSignatures?: boolean;
}

/**
 * `gestvenv verify [packages] [PKG...]`: installed files against RECORD, cached artifacts against
 * the lock's sha256, and (`--source-only`) each distribution's origin.
 */
export const verifyCommand = buildCommand<VerifyFlags, string[], CliContext>({
  docs: {
    brief: "Verify installed files (RECORD), cached artifacts (index sha256) and sources",
    fullDescription: examples([
      ["gestvenv verify --env web", "every distribution of `web`"],
      ["gestvenv verify packages requests flask --env web", "only these two"],
      ["gestvenv verify --source-only numpy --env web", "only where numpy came from"],
      ["gestvenv verify --signatures --env web", "also PEP 740 attestations (online)"],
    ]) +
      "\n\nChecks (a) every installed file against its distribution's RECORD sha256 (console\n" +
      "scripts only for existence: their shebang is rewritten when an environment moves), (b)\n" +
      "every cached artifact they were installed from against the sha256 the environment's\n" +
      "pylock.toml recorded from the index (and the unpacked copies in the cache), and (c) with\n" +
      "--source-only, only that each came from an allowed place: its index and file URL (the lock)\n" +
      "or PEP 610 direct_url.json, against the configured indexes. --signatures fetches each\n" +
      "file's PEP 740 provenance and checks that its attestations name that file and sha256, and\n" +
      "shows the publisher each claims; the Sigstore signature itself is NOT verified. A\n" +
      ".dist-info without RECORD or METADATA is a failure (its files cannot be checked).\n" +
      "--require-signatures (also security.require_signatures, GESTVENV_VERIFY_SIGNATURES=1, the\n" +
      "secure profile) always fails with exit 1: signature verification (Sigstore) is not\n" +
      "implemented in this build, so no signature can be required; it still reports what was\n" +
      "checked. Exit 1 with the list of mismatches, 0 when everything matches. Nothing in the\n" +
      "environment is changed.",
  },
  parameters: {
    flags: {
      ...GLOBAL_FLAGS,
      env: environmentFlag(),
      sourceOnly: toggle("Only check where each distribution came from (allowed sources)"),
      signatures: toggle(
        "Also check PEP 740 attestations (online): subject name and sha256, publisher",
      ),
      requireSignatures: toggle(
        "Require verified signatures: always fails (exit 1), Sigstore verification is not implemented",
      ),
    },
    aliases: GLOBAL_ALIASES,
    positional: {
      kind: "array",
      parameter: {
        parse: String,
        brief: "Distributions to verify (default: all); a leading `packages` is the spec's form",
        placeholder: "package",
      },
    },
  },
  func: action("verify", async (ctx, flags: VerifyFlags, ...args: string[]) => {
    const { allowedSourcesRule, configuredIndexRule, verifyEnvironment, verifyFailures } =
      await import(
        "../lib/verify/mod.ts"
      );
    // flag > GESTVENV_VERIFY_SIGNATURES > profile > config (the settings' precedence).
    const requireSignatures = flags.requireSignatures ?? ctx.settings.requireSignatures.value;
    const format = formatFor(ctx, ["table", "json"], "table");
    const packages = args[0] === "packages" ? args.slice(1) : args;
    const env = ctx.environments();
    const { env: name } = await resolveTarget(env, flags.env, [], {
      legacyNeedsMore: false,
      command: "verify",
    });
    const record = await getEnvironment(env, name);
    const { target } = await openEnvironment(env, record);
    const settings = ctx.settings;
    // `security.allowed_sources` when set (as installs are refused), else the configured indexes.
    const allowedSources = settings.allowedSources?.value;
    const sourceRule = allowedSources !== undefined
      ? allowedSourcesRule(allowedSources)
      : configuredIndexRule(
        settings.indexUrl.value,
        settings.extraIndexUrls.value,
        settings.findLinks.value,
      );
    const report = await verifyEnvironment(env, record, target, {
      packages,
      sourceOnly: flags.sourceOnly ?? false,
      sourceRule: flags.sourceOnly ? sourceRule : undefined,
      signatures: requireSignatures || (flags.signatures ?? false),
    });
    const failures = verifyFailures(report);
    // No Sigstore verifier: a required signature can never be satisfied, so the gate refuses
    // rather than pass on statements nobody's signature was checked for.
    const failed = failures > 0 || requireSignatures;
    const notImplemented = "signature verification (Sigstore) is not implemented in this build: " +
      "--require-signatures cannot pass";
    if (format === "json") {
      ctx.printer.json("verify", {
        ...report,
        ok: !failed,
        signatures_required: requireSignatures,
        ...(requireSignatures ? { error: notImplemented } : {}),
      });
      return failed ? 1 : 0;
    }
    const lines: string[] = [];
    for (const f of report.files) {
      lines.push(
        f.actual === "missing"
          ? `${f.package} ${f.version}: ${f.file} is missing (RECORD: ${f.expected})`
          : `${f.package} ${f.version}: ${f.file} differs from RECORD (expected ${f.expected}, found ${f.actual})`,
      );
    }
    for (const a of report.artifacts) {
      const what = a.kind === "artifact" ? "cached artifact" : `cached ${a.kind}`;
      lines.push(
        `${a.package} ${a.version}: ${what} ${a.file} does not match sha256 ${a.expected}: ${a.actual}`,
      );
    }
    for (const b of report.broken) {
      lines.push(
        `${b.package} ${b.version}: ${b.reason}: its files cannot be verified (${b.dist_info})`,
      );
    }
    for (const s of report.sources) {
      lines.push(`${s.package} ${s.version}: source not allowed: ${s.why}`);
    }
    for (const s of report.signatures ?? []) {
      const who = s.publishers.map((p) =>
        [p.kind, p.repository, p.workflow, p.environment].filter((x) => x !== undefined).join(" ")
      ).join("; ");
      const line = `${s.package} ${s.version}: ${s.status}: ${s.detail}` +
        (who === "" ? "" : ` (claims publisher ${who}, unverified)`);
      const fails = s.status === "mismatch" || s.status === "invalid";
      if (fails) lines.push(line);
      else ctx.printer.info(line);
    }
    if (report.signatures !== null) {
      ctx.printer.info(
        "Attestations: statement subjects and publishers are checked; the Sigstore signature, " +
          "certificate chain and transparency log entry are NOT verified",
      );
    }
    const n = report.distributions.length;
    const files = report.distributions.reduce((sum, d) => sum + d.files_checked, 0);
    const cached = report.distributions.filter((d) => d.artifact_cached === true).length;
    const notCached = report.distributions.filter((d) => d.artifact_cached === false).length;
    const unlocked = report.distributions.filter((d) => d.artifact === null).length;
    const summary = flags.sourceOnly
      ? `${n} distribution(s): sources checked against ${sourceRule.rule}`
      : `${n} distribution(s), ${files} file(s) against RECORD, ${cached} cached artifact(s) ` +
        "against the lock's sha256";
    if (!flags.sourceOnly && notCached > 0) {
      ctx.printer.info(`${notCached} artifact(s) are not in the cache (nothing to check there)`);
    }
    if (!flags.sourceOnly && unlocked > 0) {
      ctx.printer.info(
        `${unlocked} distribution(s) have no artifact in the environment's lock (no sha256 to check)`,
      );
    }
    if (report.unrecorded.length > 0) {
      ctx.printer.warn(`No RECORD (files not checked): ${report.unrecorded.join(", ")}`);
    }
    if (!failed) {
      ctx.printer.success(`\`${record.name}\` verified: ${summary}`);
      return 0;
    }
    if (lines.length > 0) ctx.printer.data(lines.join("\n"));
    if (requireSignatures) {
      const bad = lines.length === 0 ? "no mismatch found" : `${lines.length} mismatch(es)`;
      ctx.printer.error(
        new OperationError(
          `${notImplemented} (\`${record.name}\`: ${bad}; checked: ${summary}` +
            (report.signatures === null
              ? ")"
              : `, ${report.signatures.length} attestation statement subject(s) and the ` +
                "publisher each claims; no signature was verified)"),
          "verify_signatures_unsupported",
          {
            hint: "Use `--signatures` for the statement report without the gate, and a Sigstore " +
              "verifier (such as `pypi-attestations verify`) for the signatures; turn off " +
              "security.require_signatures / GESTVENV_VERIFY_SIGNATURES to verify without it",
          },
        ),
      );
      return 1;
    }
    ctx.printer.error(
      new OperationError(
        `${lines.length} mismatch(es) in \`${record.name}\` (${summary})`,
        "verify_mismatch",
        {
          hint: report.files.length + report.artifacts.length + report.broken.length > 0
            ? `Reinstall what changed (\`gestvenv repair ${record.name} --fix env.files\`); ` +
              "`gestvenv cache verify --fix` removes damaged cached files"
            : report.sources.length > 0
            ? "Reinstall them from an allowed index, or add their index to your configuration"
            : "An attestation of other bytes means the installed file is not the one its " +
              "publisher attested: do not use it until you know why",
        },
      ),
    );
    return 1;
  }, { effect: "reads" }),
});
