/**
 * The checks of one environment: `pyvenv.cfg`, the interpreter link, console-script shebangs,
 * (full) every installed file against its RECORD, dependency consistency, and the environment
 * against its `pylock.toml`. Each check is a small function returning findings; none changes
 * anything.
 *
 * @module
 */
import { readInstalledDistributions } from "../distribution/mod.ts";
import type { EnvironmentContext, EnvironmentRecord } from "../environments/mod.ts";
import { checkDependencies } from "../installer/mod.ts";
import { planLockInstall, readEnvironmentLock } from "../packages/mod.ts";
import { basename, join } from "../paths/mod.ts";
import { type Interpreter, queryInterpreter } from "../python/mod.ts";
import { inspectVirtualenv, readPyvenvCfg, type VirtualenvLayout } from "../virtualenv/mod.ts";
import { type DoctorCheck, environmentSubject, ok } from "./doctor_check.ts";
import { checkDuplicateFiles } from "./duplicate_checks.ts";
import { checkPermissions } from "./permission_checks.ts";
import { checkRecord } from "./record_check.ts";

/** Options of {@linkcode diagnoseEnvironment}. */
export interface DiagnoseOptions {
  /** Also hash every installed file against its RECORD (`doctor --full`). @default false */
  full?: boolean;
  /**
   * Only `pyvenv.cfg` and the interpreter (`health-check`'s fast subset: no RECORD read, no
   * dependency or lock check). @default false
   */
  basic?: boolean;
}

/** What the checks of an environment found out about it, for the fixes. */
export interface EnvironmentFacts {
  /** The layout, when `pyvenv.cfg` parses. */
  layout?: VirtualenvLayout | undefined;
  /** The `major.minor` that `pyvenv.cfg` records. */
  cfgMinor?: string | undefined;
  /** The interpreter the link runs, when it runs. */
  interpreter?: Interpreter | undefined;
}

function majorMinor(version: string): string | undefined {
  return /^(\d+)\.(\d+)/.exec(version.trim())?.slice(1, 3).join(".");
}

/** `env.pyvenv_cfg`: the file parses and has `home` and a version. */
async function checkPyvenvCfg(
  record: EnvironmentRecord,
  facts: EnvironmentFacts,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const cfg = await readPyvenvCfg(record.path).catch(() => undefined);
  const version = cfg?.get("version") ?? cfg?.get("version_info");
  const minor = version === undefined ? undefined : majorMinor(version);
  if (cfg === undefined || cfg.get("home") === undefined || minor === undefined) {
    return {
      id: "env.pyvenv_cfg",
      severity: "error",
      subject,
      message: cfg === undefined
        ? `${join(record.path, "pyvenv.cfg")} is missing or unreadable`
        : "pyvenv.cfg has no `home` or no version",
      fix: { command: `gestvenv delete ${record.name}, then create it again` },
    };
  }
  facts.cfgMinor = minor;
  facts.layout = await inspectVirtualenv(record.path);
  return ok("env.pyvenv_cfg", subject, `pyvenv.cfg records Python ${version}`);
}

/** `env.interpreter`: the link resolves, runs, and its version is the one pyvenv.cfg records. */
async function checkInterpreter(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  facts: EnvironmentFacts,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const layout = facts.layout!;
  const fix = {
    command: `gestvenv repair ${record.name} --fix env.interpreter`,
    auto: `point ${basename(layout.python)} at an installed Python ${facts.cfgMinor}`,
  };
  const problem = (message: string): DoctorCheck => ({
    id: "env.interpreter",
    severity: "error",
    subject,
    message,
    fix,
  });
  const real = await Deno.realPath(layout.python).catch(() => undefined);
  if (real === undefined) {
    const target = await Deno.readLink(layout.python).catch(() => undefined);
    return problem(
      `the interpreter link ${layout.python} does not resolve` +
        (target === undefined ? "" : ` (it points at ${target})`),
    );
  }
  let interpreter: Interpreter;
  try {
    const { realPath, info } = await queryInterpreter(layout.python, {
      cacheDir: ctx.home.cacheDir,
    });
    interpreter = { path: layout.python, realPath, source: "environment", info };
  } catch (error) {
    return problem(`${layout.python} does not run: ${(error as Error).message}`);
  }
  const minor = `${interpreter.info.version_info[0]}.${interpreter.info.version_info[1]}`;
  if (minor !== facts.cfgMinor) {
    return problem(
      `${layout.python} runs Python ${interpreter.info.version}, but pyvenv.cfg records ${facts.cfgMinor}`,
    );
  }
  facts.interpreter = interpreter;
  return ok("env.interpreter", subject, `${real} runs Python ${interpreter.info.version}`);
}

/** The interpreter a script's shebang names (also pip's `/bin/sh` polyglot), if any. */
export function shebangInterpreter(head: string): string | undefined {
  if (!head.startsWith("#!")) return undefined;
  const first = head.slice(2).split("\n")[0]!.trim();
  if (/^\/bin\/sh$/.test(first)) return /'''exec' '?"?([^'" ]+)/.exec(head)?.[1];
  return first.split(/\s/)[0];
}

/** Console scripts of `layout` whose shebang runs a Python that is not the environment's. */
export async function foreignShebangs(layout: VirtualenvLayout): Promise<string[]> {
  const bad: string[] = [];
  let entries: Deno.DirEntry[] = [];
  try {
    entries = await Array.fromAsync(Deno.readDir(layout.binDir));
  } catch { /* no scripts directory */ }
  for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!entry.isFile) continue;
    const path = join(layout.binDir, entry.name);
    const file = await Deno.open(path);
    const buffer = new Uint8Array(1024);
    const n = await file.read(buffer).finally(() => file.close());
    const python = shebangInterpreter(new TextDecoder().decode(buffer.subarray(0, n ?? 0)));
    if (python === undefined || !/^python[\d.]*w?$/.test(basename(python))) continue;
    const inside = python.startsWith(layout.root + "/");
    if (!inside || !(await Deno.stat(python).then(() => true, () => false))) bad.push(path);
  }
  return bad;
}

/** `env.shebangs`: every console script runs the environment's own interpreter. */
async function checkShebangs(record: EnvironmentRecord, layout: VirtualenvLayout) {
  const subject = environmentSubject(record.name);
  const bad = await foreignShebangs(layout);
  if (bad.length === 0) {
    return ok("env.shebangs", subject, "every script runs this environment's Python");
  }
  return {
    id: "env.shebangs",
    severity: "error",
    subject,
    message: `${bad.length} script(s) run a Python outside the environment: ${
      bad.map((p) => basename(p)).join(", ")
    }`,
    fix: {
      command: `gestvenv repair ${record.name} --fix env.shebangs`,
      auto: `rewrite their first line to ${layout.python}`,
    },
    items: bad,
  } satisfies DoctorCheck;
}

/**
 * The installed distributions of `layout` with a file that is missing or differs from its RECORD
 * hash, each with the first problem found. Console scripts are only required to exist (their
 * shebang is re-targeted when an environment is moved into place; `env.shebangs` checks it).
 */
export async function damagedDistributions(
  layout: VirtualenvLayout,
): Promise<Array<{ name: string; version: string; problem: string }>> {
  const damaged: Array<{ name: string; version: string; problem: string }> = [];
  for (const dist of await readInstalledDistributions(layout.sitePackages)) {
    const check = await checkRecord(dist.dist_info, layout.binDir, { firstOnly: true });
    const first = check.mismatches[0];
    const problem = !check.hasRecord
      ? "no RECORD"
      : first === undefined
      ? undefined
      : first.actual === null
      ? `${first.path} is missing`
      : `${first.path} differs from RECORD`;
    if (problem !== undefined) {
      damaged.push({ name: dist.normalized_name, version: dist.version, problem });
    }
  }
  return damaged;
}

/** `env.files` (full): every installed file exists and matches its RECORD sha256. */
async function checkFiles(record: EnvironmentRecord, layout: VirtualenvLayout) {
  const subject = environmentSubject(record.name);
  const damaged = await damagedDistributions(layout);
  if (damaged.length === 0) return ok("env.files", subject, "every installed file matches RECORD");
  return {
    id: "env.files",
    severity: "error",
    subject,
    message: damaged.map((d) => `${d.name} ${d.version}: ${d.problem}`).join("; "),
    fix: {
      command: `gestvenv repair ${record.name} --fix env.files`,
      auto: "reinstall them from the lock (from the cache when it has the files)",
    },
    items: damaged.map((d) => d.name),
  } satisfies DoctorCheck;
}

/** `env.dependencies`: what `pip check` reports, computed from METADATA. */
async function checkDependencyConsistency(
  record: EnvironmentRecord,
  layout: VirtualenvLayout,
  interpreter: Interpreter,
): Promise<DoctorCheck> {
  const subject = environmentSubject(record.name);
  const problems = await checkDependencies(layout.sitePackages, interpreter.info.markers);
  if (problems.length === 0) {
    return ok("env.dependencies", subject, "every requirement is installed");
  }
  return {
    id: "env.dependencies",
    severity: "error",
    subject,
    message: problems.join(" "),
    fix: {
      command: `gestvenv repair ${record.name} --fix env.dependencies`,
      auto: "install what the lock lists",
    },
  };
}

/** `env.lock` and `env.lock_extras`: the environment against its `pylock.toml`. */
async function checkLock(
  record: EnvironmentRecord,
  layout: VirtualenvLayout,
  interpreter: Interpreter,
): Promise<DoctorCheck[]> {
  const subject = environmentSubject(record.name);
  let lock;
  try {
    lock = await readEnvironmentLock(record);
  } catch (error) {
    return [{
      id: "env.lock",
      severity: "error",
      subject,
      message: `pylock.toml cannot be read: ${(error as Error).message}`,
      fix: { command: `gestvenv lock ${record.name}` },
    }];
  }
  if (lock === undefined) {
    return [{
      id: "env.lock",
      severity: "info",
      subject,
      message: "no pylock.toml to compare with",
      fix: { command: `gestvenv lock ${record.name}` },
    }];
  }
  let plan;
  try {
    plan = await planLockInstall(lock, { layout, interpreter }, true);
  } catch (error) {
    return [{
      id: "env.lock",
      severity: "warning",
      subject,
      message: `pylock.toml cannot be applied here: ${(error as Error).message}`,
      fix: { command: `gestvenv lock ${record.name}` },
    }];
  }
  const checks: DoctorCheck[] = [];
  const differ = plan.install.filter((p) => p.version !== null || p.replaces !== null);
  if (differ.length === 0) {
    checks.push(ok("env.lock", subject, "every locked distribution is installed"));
  } else {
    checks.push({
      id: "env.lock",
      severity: "error",
      subject,
      message: differ.map((p) =>
        p.replaces === null
          ? `${p.name} ${p.version ?? ""} is missing`.replace("  ", " ")
          : `${p.name} is ${p.replaces}, the lock has ${p.version}`
      ).join("; "),
      fix: {
        command: `gestvenv sync ${record.name} --locked`,
        auto: "install the locked versions (from the cache when it has the files)",
      },
      items: differ.map((p) => p.name),
    });
  }
  if (plan.remove.length > 0) {
    checks.push({
      id: "env.lock_extras",
      severity: "warning",
      subject,
      message: `installed but not in pylock.toml: ${
        plan.remove.map((r) => `${r.name} ${r.version}`).join(", ")
      }`,
      fix: {
        command: `gestvenv repair ${record.name} --fix env.lock_extras --yes`,
        auto: "uninstall them (after a confirmation, or with --yes)",
      },
      items: plan.remove.map((r) => r.name),
    });
  }
  return checks;
}

/**
 * Runs every check of the environment `record` and returns the findings (one per check, `ok`
 * included), and what it learnt about the environment in `facts`. Checks that need a working
 * `pyvenv.cfg` or interpreter are skipped when those fail. Changes nothing. Requires
 * `--allow-read` and `--allow-run` (the interpreter is run once, or read from the probe cache).
 */
export async function diagnoseEnvironment(
  ctx: EnvironmentContext,
  record: EnvironmentRecord,
  options: DiagnoseOptions = {},
  facts: EnvironmentFacts = {},
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [await checkPyvenvCfg(record, facts)];
  const layout = facts.layout;
  if (layout === undefined) return checks;
  checks.push(await checkInterpreter(ctx, record, facts));
  if (options.basic) return checks;
  checks.push(await checkShebangs(record, layout));
  checks.push(await checkPermissions(record, layout));
  if (options.full) checks.push(await checkFiles(record, layout));
  checks.push(await checkDuplicateFiles(record, layout));
  const interpreter = facts.interpreter;
  if (interpreter === undefined) return checks;
  checks.push(await checkDependencyConsistency(record, layout, interpreter));
  checks.push(...await checkLock(record, layout, interpreter));
  return checks;
}
