/**
 * The command tree (stricli route map), the few argument rewrites the spec's spellings need, and
 * the single place where stricli's own exit codes become the spec's.
 *
 * @module
 */
import {
  type Application,
  buildApplication,
  buildRouteMap,
  ExitCode,
  FlagNotFoundError,
  help,
  run,
  text_en,
  version,
} from "npm:@stricli/core@1.3.0";
import { EXIT_CODE } from "../lib/errors/mod.ts";
import { activateCommand, deactivateCommand } from "./activate.ts";
import { auditRoutes, securityRoutes } from "./audit/mod.ts";
import { benchmarkRoutes } from "./benchmark.ts";
import { compareRoutes } from "./compare.ts";
import { checkCommand } from "./check.ts";
import { cleanupCommand } from "./cleanup.ts";
import { doctorCommand } from "./doctor.ts";
import { repairCommand } from "./repair.ts";
import { healthCheckCommand } from "./health_check.ts";
import { optimizeCommand } from "./optimize.ts";
import { migrateCommand } from "./migrate.ts";
import { cloneCommand } from "./clone.ts";
import { buildCompleteCommand, completionCommand } from "./completion.ts";
import { configRoutes } from "./config/mod.ts";
import { policyRoutes } from "./policy/mod.ts";
import { backendRoutes } from "./backend/mod.ts";
import { cacheRoutes } from "./cache/mod.ts";
import { type CliContext, GLOBAL_FLAG_NAMES } from "./_context.ts";
import { createCommand } from "./create.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { createFromPyprojectCommand } from "./create_from_pyproject.ts";
import { createFromRequirementsCommand } from "./create_from_requirements.ts";
import { convertCommand } from "./convert.ts";
import { generateCommand } from "./generate.ts";
import { createFromTemplateCommand } from "./create_from_template.ts";
import { deleteCommand } from "./delete.ts";
import { docsCommand } from "./docs.ts";
import { groupsRoutes } from "./groups.ts";
import { addCommand } from "./add.ts";
import { removeDependencyCommand } from "./remove.ts";
import { exportCommand } from "./export.ts";
import { importCommand } from "./import.ts";
import { infoCommand } from "./info.ts";
import { installCommand } from "./install.ts";
import { listCommand } from "./list.ts";
import { logsCommand } from "./logs.ts";
import { migrateBackendCommand } from "./migrate_backend.ts";
import { packagesCommand } from "./packages.ts";
import { PROFILE_CONFIG_ROUTES, profileRoutes } from "./profile/mod.ts";
import { pyversionsCommand } from "./pyversions.ts";
import { renameCommand } from "./rename.ts";
import { runCommand } from "./run.ts";
import { runScriptCommand } from "./run_script.ts";
import { shellCommand } from "./shell.ts";
import { shellInitCommand } from "./shell_init.ts";
import { uninstallCommand } from "./uninstall.ts";
import { updateCommand } from "./update.ts";
import { lockCommand } from "./lock.ts";
import { resolveCommand } from "./resolve.ts";
import { statsCommand } from "./stats.ts";
import { syncCommand } from "./sync.ts";
import { systemInfoCommand } from "./system_info.ts";
import { templateRoutes } from "./template/mod.ts";
import { hookRoutes } from "./hook/mod.ts";
import { treeCommand } from "./tree.ts";
import { validateCommand } from "./validate.ts";
import { whyCommand } from "./why.ts";
import { sbomCommand } from "./sbom.ts";
import { verifyCommand } from "./verify.ts";
import { VERSION } from "./_version.ts";
import { PROCESS_TERMINAL, type Terminal } from "./_terminal.ts";

/** Routes that hold further routes (`config set`): global flags go after both words. */
const NESTED_ROUTES = new Set([
  "config",
  "backend",
  "cache",
  "template",
  "hook",
  "groups",
  "benchmark",
  "compare",
  "security",
  "profile",
  "policy",
  "dashboard",
]);

/** `audit` words that name a route; anything else is `audit security …` (the default). */
const AUDIT_ROUTES = new Set(["security", "installations", "db"]);

/** The flags that make `remove` the project form (`remove-dependency`). */
const PROJECT_REMOVE_FLAGS = /^(--group|-g|--optional|--env|--no-sync)(=.*)?$/;

const message = (exc: unknown) => exc instanceof Error ? exc.message : String(exc);

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A parse error's message, with flag names as they are typed: stricli suggests the internal
 * camelCase name (`--dryRun`); the command line spells it `--dry-run`.
 */
function parseErrorMessage(exc: unknown): string {
  if (exc instanceof FlagNotFoundError && exc.aliasName === undefined) {
    const corrections = [...new Set(exc.corrections.map((c) => `\`--${kebab(c)}\``))];
    return `No flag \`--${exc.input}\`` +
      (corrections.length > 0 ? `; did you mean ${corrections.join(" or ")}?` : "");
  }
  return message(exc);
}

let application: Application<CliContext> | undefined;

/** Builds (once) the stricli application with every command. */
export function buildApp(): Application<CliContext> {
  if (application !== undefined) return application;
  const root = buildRouteMap({
    routes: {
      create: createCommand,
      "create-from-pyproject": createFromPyprojectCommand,
      "create-from-requirements": createFromRequirementsCommand,
      "create-from-template": createFromTemplateCommand,
      list: listCommand,
      info: infoCommand,
      delete: deleteCommand,
      run: runCommand,
      "run-script": runScriptCommand,
      shell: shellCommand,
      activate: activateCommand,
      deactivate: deactivateCommand,
      "shell-init": shellInitCommand,
      install: installCommand,
      uninstall: uninstallCommand,
      update: updateCommand,
      check: checkCommand,
      packages: packagesCommand,
      rename: renameCommand,
      clone: cloneCommand,
      export: exportCommand,
      import: importCommand,
      cleanup: cleanupCommand,
      doctor: doctorCommand,
      repair: repairCommand,
      "health-check": healthCheckCommand,
      optimize: optimizeCommand,
      migrate: migrateCommand,
      "migrate-backend": migrateBackendCommand,
      resolve: resolveCommand,
      lock: lockCommand,
      sync: syncCommand,
      groups: groupsRoutes,
      add: addCommand,
      "remove-dependency": removeDependencyCommand,
      why: whyCommand,
      tree: treeCommand,
      validate: validateCommand,
      generate: generateCommand,
      convert: convertCommand,
      template: templateRoutes,
      hook: hookRoutes,
      config: configRoutes,
      backend: backendRoutes,
      cache: cacheRoutes,
      pyversions: pyversionsCommand,
      "system-info": systemInfoCommand,
      docs: docsCommand,
      logs: logsCommand,
      audit: auditRoutes,
      security: securityRoutes,
      sbom: sbomCommand,
      verify: verifyCommand,
      policy: policyRoutes,
      profile: profileRoutes,
      stats: statsCommand,
      benchmark: benchmarkRoutes,
      compare: compareRoutes,
      dashboard: dashboardRoutes,
      completion: completionCommand,
      complete: buildCompleteCommand(() => buildApp()),
    },
    aliases: { ls: "list", remove: "delete", rm: "delete", upgrade: "update" },
    docs: {
      brief:
        "Named Python environments: create, fill, run, clone, export and import them from one CLI",
      fullDescription:
        "Global flags (--verbose, --quiet, --format, --json, --no-color, --dry-run, --yes, --wait, --offline, --log-file) work with every command.\n" +
        "Exit codes: 0 ok, 1 general, 2 usage, 3 environment not found, 4 package not found, 5 network, 10 config,\n" +
        "20 backend, 30 cache, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).",
      hideRoute: { complete: true },
    },
  });
  application = buildApplication(root, {
    name: "gestvenv",
    scanner: { caseStyle: "allow-kebab-for-camel", allowArgumentEscapeSequence: true },
    localization: {
      text: {
        ...text_en,
        noCommandRegisteredForInput: ({ input, corrections }) =>
          `error: No command \`${input}\`` + (corrections.length > 0
            ? `; did you mean ${
              corrections.map((c) => c).join(" or ")
            }?`
            : "") +
          "\n\nhint: Run `gestvenv --help` to see the commands",
        exceptionWhileParsingArguments: (exc) =>
          `error: ${
            parseErrorMessage(exc)
          }\n\nhint: Add \`--help\` to the command to see what it takes`,
        exceptionWhileRunningCommand: (exc) =>
          `error: ${exc instanceof Error ? exc.stack ?? exc.message : String(exc)}`,
      },
    },
  }, {
    help: help({
      brief: "Print help information and exit",
      formatting: {
        caseStyle: "convert-camel-to-kebab",
        useAliasInUsageLine: false,
        onlyRequiredInUsageLine: true,
      },
    }),
    version: version({
      brief: "Print the version and exit",
      info: { currentVersion: VERSION },
      alias: "V",
    }),
  });
  return application;
}

/**
 * Argument rewrites before parsing:
 * - global flags given before the command move after it (`gestvenv -v create x`);
 * - `run NAME CMD...`: everything after NAME belongs to CMD, so `--` is put after NAME;
 * - `remove ENV PKG...` (spec 000) uninstalls packages; `remove ENV` deletes the environment;
 *   with a project flag (`--group`, `-g`, `--optional`, `--env`, `--no-sync`) `remove NAME...`
 *   removes dependencies from the project (`remove-dependency`);
 * - `audit [ENV|FLAGS]` is `audit security …` (vulnerabilities, the default), except with
 *   `--since` (spec 001's `audit --since DATE`: the installations); `audit db update` keeps its
 *   three words together.
 */
export function normalizeArgs(args: string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  while (i < args.length && GLOBAL_FLAG_NAMES.has(args[i]!)) {
    const takesValue = GLOBAL_FLAG_NAMES.get(args[i]!)!;
    leading.push(...args.slice(i, i + (takesValue ? 2 : 1)));
    i += takesValue ? 2 : 1;
  }
  const rest = args.slice(i);
  const command = rest[0];
  if (command === undefined || command.startsWith("-")) return args;
  const routeLength =
    NESTED_ROUTES.has(command) && rest[1] !== undefined && !rest[1].startsWith("-") ? 2 : 1;
  let route = rest.slice(0, routeLength);
  let tail = rest.slice(routeLength);
  if (command === "run") {
    const nameAt = tail.findIndex((a) => !a.startsWith("-"));
    if (nameAt >= 0 && tail[nameAt] !== "--" && !tail.slice(0, nameAt).includes("--")) {
      tail = [...tail.slice(0, nameAt), "--", ...tail.slice(nameAt)];
    }
  }
  if (command === "profile") {
    // `profile activate|list|show|create|apply|export ...`: configuration profiles. Otherwise the
    // profiler: `profile [run] [FLAGS] COMMAND ...`, everything from COMMAND on is the profiled
    // command's.
    const after = rest.slice(1);
    const skipFlags = (words: string[]) => {
      let at = 0;
      while (at < words.length && words[at] !== "--" && words[at]!.startsWith("-")) {
        at += GLOBAL_FLAG_NAMES.get(words[at]!) ? 2 : 1;
      }
      return Math.min(at, words.length);
    };
    let at = skipFlags(after);
    const word = after[at];
    if (word !== undefined && PROFILE_CONFIG_ROUTES.has(word)) {
      route = ["profile", word];
      tail = [...after.slice(0, at), ...after.slice(at + 1)];
    } else {
      let flags = after.slice(0, at);
      let inner = after.slice(at);
      if (inner[0] === "run") {
        inner = inner.slice(1);
        at = skipFlags(inner);
        flags = [...flags, ...inner.slice(0, at)];
        inner = inner.slice(at);
      }
      route = ["profile", "run"];
      tail = inner.length === 0 || inner[0] === "--"
        ? [...flags, ...inner]
        : [...flags, "--", ...inner];
    }
  }
  if (command === "audit") {
    // Global flags may come before the route word (`audit --offline security`); any other flag
    // ends the search, so `audit --env db` audits the environment `db`.
    let at = 1;
    while (at < rest.length && GLOBAL_FLAG_NAMES.has(rest[at]!)) {
      at += GLOBAL_FLAG_NAMES.get(rest[at]!) ? 2 : 1;
    }
    const sub = rest[at];
    if (sub !== undefined && AUDIT_ROUTES.has(sub)) {
      const third = rest[at + 1];
      const length = sub === "db" && third !== undefined && !third.startsWith("-") ? 2 : 1;
      route = ["audit", ...rest.slice(at, at + length)];
      tail = [...rest.slice(1, at), ...rest.slice(at + length)];
    } else if (!rest.slice(1).every((a) => HELP_AND_VERSION.has(a)) || rest.length === 1) {
      const since = rest.slice(1).some((a) => /^--since(=|$)/.test(a));
      route = ["audit", since ? "installations" : "security"];
      tail = rest.slice(1);
    }
  }
  if (command === "remove" && tail.some((a) => PROJECT_REMOVE_FLAGS.test(a))) {
    // `remove NAME --group G` (uv): a dependency of the project, not an environment.
    route = ["remove-dependency"];
  } else if (command === "remove" && tail.filter((a) => !a.startsWith("-")).length >= 2) {
    route = ["uninstall"];
  }
  return [...route, ...leading, ...tail];
}

const HELP_AND_VERSION = new Set([
  "--help",
  "-h",
  "--help-all",
  "--helpAll",
  "-H",
  "--version",
  "-V",
]);

/**
 * The route (`[]` for the root, `["config"]`) when the command line names a group of commands but
 * no command in it (`gestvenv`, `gestvenv -v`, `gestvenv config`), else undefined. Command lines
 * asking for help or the version, or with anything else in them, are left to the parser.
 */
export function missingCommandRoute(args: readonly string[]): string[] | undefined {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (HELP_AND_VERSION.has(arg)) return undefined;
    if (GLOBAL_FLAG_NAMES.has(arg)) {
      if (GLOBAL_FLAG_NAMES.get(arg)) i++;
      continue;
    }
    if (arg.startsWith("-")) return undefined;
    words.push(arg);
  }
  if (words.length === 0) return [];
  if (words.length === 1 && NESTED_ROUTES.has(words[0]!)) return words;
  // `audit db` alone: the offline database's commands (bare `audit` is `audit security`).
  if (words.length === 2 && words[0] === "audit" && words[1] === "db") return words;
  return undefined;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the process exit code. Nothing
 * here calls `Deno.exit`; `main.ts` does, once. A bare `gestvenv` (or `gestvenv config`) prints
 * the help on stderr and exits 2, as a missing argument does.
 */
export function runCli(args: string[]): Promise<number> {
  return runInProcess(args, PROCESS_TERMINAL);
}

/**
 * Runs one gestvenv command line in this process with `terminal` as its streams (the CLI's entry
 * passes the process's; the dashboard a capture, so that its API serves exactly the documents
 * `--format json` prints, through the same code). Resolves to the exit code (spec 001 codes);
 * never throws for a command's failure, which is printed on `terminal` and given as the code.
 */
export async function runInProcess(args: readonly string[], terminal: Terminal): Promise<number> {
  const process: CliContext["process"] = {
    stdout: { write: (s: string) => terminal.stdout(s) },
    stderr: { write: (s: string) => terminal.stderr(s) },
  };
  const missing = missingCommandRoute([...args]);
  if (missing !== undefined) {
    const toStderr = { stdout: process.stderr, stderr: process.stderr };
    await run(buildApp(), [...missing, "--help"], { process: toStderr, terminal });
    const command = ["gestvenv", ...missing].join(" ");
    process.stderr.write(
      `\nerror: \`${command}\` needs a command\n\nhint: Run \`${command} COMMAND --help\` for one command's help\n`,
    );
    return EXIT_CODE.USAGE;
  }
  const context: CliContext = { process, terminal };
  await run(buildApp(), normalizeArgs([...args]), context);
  const code = context.process.exitCode;
  if (typeof code !== "number") return EXIT_CODE.OK;
  if (
    code === ExitCode.InternalError || code === ExitCode.CommandLoadError ||
    code === ExitCode.ContextLoadError
  ) return EXIT_CODE.GENERAL;
  if (code < 0) return EXIT_CODE.USAGE;
  return code;
}
