/**
 * gestvenv as a library: named Python environments, created natively (PEP 405), filled through
 * pip or uv, tracked in a registry that never loses data; and the packaging standards behind
 * resolution: PEP 440 versions and specifiers, PEP 508 requirements and markers, PEP 425 tags,
 * wheel and sdist file names, core metadata, requirements files, a PEP 691/503/658 index client,
 * a PubGrub resolver and PEP 751 lock files.
 *
 * This module is the curated API. Each standard also has its own entry point (`./pep440`,
 * `./pep508`, `./pep425`, `./dist_filename`, `./metadata`, `./requirements_file`, `./lock`,
 * `./resolver`, `./index`, `./python`, `./virtualenv`, `./errors`), so that a program that only
 * parses versions loads only that code. Every failure is a {@linkcode GestvenvError} subclass
 * carrying the CLI's exit code and a hint.
 *
 * From a checkout or a release, import the raw URL of this file (Deno allows
 * raw.githubusercontent.com; another host needs `--allow-import=<host>`), or map
 * `@gestvenv/gestvenv` in your `deno.json`.
 *
 * Environment operations take an {@linkcode EnvironmentContext}: gestvenv's home (where the
 * registry and environments live; `GESTVENV_HOME` or `~/.gestvenv`), the settings resolved from
 * the configuration file and `GESTVENV_*` variables, and a reporter for progress.
 *
 * @example Create an environment in a private home and list the registry
 * ```ts
 * // Needs a Python 3 on this machine (PATH or pyenv); no network: no packages are installed.
 * import assert from "node:assert/strict";
 * import {
 *   createEnvironment,
 *   type EnvironmentContext,
 *   loadConfig,
 *   loadRegistry,
 *   resolveHome,
 *   resolveSettings,
 *   SILENT_REPORTER,
 * } from "@gestvenv/gestvenv";
 *
 * // GESTVENV_HOME for this example only; omit `env` to use the real one (~/.gestvenv).
 * const dir = await Deno.makeTempDir();
 * const env = (name: string) => name === "GESTVENV_HOME" ? dir : Deno.env.get(name);
 * const home = resolveHome(env);
 * const ctx: EnvironmentContext = {
 *   home,
 *   settings: resolveSettings(home, await loadConfig(home.configFile), { env }),
 *   creatorVersion: "my-tool",
 *   reporter: SILENT_REPORTER,
 * };
 * const { record } = await createEnvironment(ctx, "demo", { python: ">=3.8" });
 * assert.equal(record.path, `${dir}/environments/demo`);
 * assert.deepEqual([...(await loadRegistry(ctx)).environments.keys()], ["demo"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example Versions, specifiers, requirements
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRequirement, parseVersion, satisfiesSpecifierSet } from "@gestvenv/gestvenv";
 *
 * const req = parseRequirement('requests[socks]>=2.31,<3; python_version >= "3.8"');
 * assert.equal(req.normalizedName, "requests");
 * assert.equal(satisfiesSpecifierSet(parseVersion("2.32.3"), req.specifier), true);
 * assert.equal(satisfiesSpecifierSet(parseVersion("3.0"), req.specifier), false);
 * ```
 *
 * @module
 */

// Errors: every failure carries the CLI's exit code (0 ok, 1 general, 2 usage, 3 environment not
// found, 4 package not found, 5 network, 10 config, 20 backend, 30 cache) and a hint.
export {
  BackendError,
  CacheError,
  ConfigError,
  DistributionError,
  DryRunViolationError,
  EnvironmentNotFoundError,
  EXIT_CODE,
  type ExitCode,
  GestvenvError,
  type GestvenvErrorOptions,
  InterruptedError,
  InvalidSyntaxError,
  LockTimeoutError,
  NetworkError,
  OperationError,
  PackageNotFoundError,
  ResolutionError,
  UsageError,
} from "./lib/errors/mod.ts";

// gestvenv's home and settings.
export { type EnvLookup, type HomeLayout, resolveHome } from "./lib/paths/mod.ts";
export {
  type AllowedSourceRule,
  type AllowedSources,
  type BackendChoice,
  type GestvenvConfig,
  type HookEntries,
  type HookEntry,
  type HookEventKey,
  type HttpTimeouts,
  type IndexSettings,
  type LinkModeChoice,
  loadConfig,
  type ProfileLayer,
  type ResolvedSettings,
  resolveSettings,
  type ResolveSettingsOptions,
  type Setting,
  type SettingsFlags,
  type SettingSource,
} from "./lib/config/mod.ts";

// Progress events.
export {
  type Counter,
  COUNTERS,
  countEvent,
  emptyCounters,
  fanOut,
  type Phase,
  PHASES,
  type PhaseTime,
  type ProgressUpdate,
  type Reporter,
  type ReporterListener,
  SILENT_REPORTER,
  SpanCollector,
  type SpanEvents,
  type SpanRecord,
  type SpanSummary,
  startSpan,
  withSpan,
} from "./lib/events/mod.ts";

// Named environments: lifecycle, packages, locks, registry.
export {
  type AdoptionRecord,
  type CreateEnvironmentResult,
  deleteEnvironment,
  type DeleteResult,
  type DistributionChange,
  type EnvironmentContext,
  type EnvironmentPolicy,
  type EnvironmentRecord,
  type EnvironmentSettings,
  getEnvironment,
  type HookEvent,
  LIFECYCLE_EVENTS,
  type LifecycleEvent,
  type LifecycleEventName,
  type LifecycleListener,
  loadRegistry,
  type PackagePin,
  type ProjectBinding,
  type Registry,
  registryRecords,
  renameEnvironment,
  type RenameOptions,
  type RenameResult,
  validateEnvironmentName,
} from "./lib/environments/mod.ts";
export {
  cloneEnvironment,
  type CloneEnvironmentOptions,
  type CloneMethod,
  type CloneResult,
  type CreatedEnvironment,
  createEnvironment,
  type CreateEnvironmentOptions,
  type EnvironmentExport,
  type ExportedPackage,
  exportEnvironment,
  type ExportFormat,
  type ExportMetadata,
  type ExportOptions,
  type HeldBack,
  importEnvironment,
  type ImportEnvironmentOptions,
  type InstalledFile,
  installPackages,
  type InstallPackagesOptions,
  type LockPlan,
  type MergeChange,
  type MergeConflict,
  mergeImport,
  type MergeImportOptions,
  type MergeImportResult,
  migrateBackend,
  type MigrateBackendOptions,
  type MigrateBackendResult,
  type MigrationBackend,
  type MigrationValidation,
  type PackageChange,
  type PlannedDistribution,
  type PlannedInstall,
  type RequirementsResolution,
  resolveRequirements,
  type ResolveRequirementsOptions,
  syncEnvironment,
  type SyncOptions,
  type SyncResult,
  uninstallPackages,
  updatePackages,
  type UpdatePackagesOptions,
} from "./lib/packages/mod.ts";

// Interpreters and virtual environments (PEP 405).
export {
  findInterpreter,
  type FindInterpreterOptions,
  findInterpreters,
  type Interpreter,
  type InterpreterInfo,
  type SchemePaths,
  tagInput,
} from "./lib/python/mod.ts";
export {
  createVirtualenv,
  type CreateVirtualenvOptions,
  inspectVirtualenv,
  type PyvenvCfg,
  readPyvenvCfg,
  type VirtualenvLayout,
} from "./lib/virtualenv/mod.ts";
export { type InstalledDistribution, readInstalledDistributions } from "./lib/distribution/mod.ts";
export { isValidProjectName, normalizeName } from "./lib/names/mod.ts";

// Standards: PEP 440, PEP 508, PEP 425, file names, core metadata, requirements files.
export {
  baseVersion,
  compareVersions,
  formatSpecifier,
  formatSpecifierSet,
  isPrerelease,
  parseSpecifier,
  parseSpecifierSet,
  parseVersion,
  type PrePhase,
  publicVersion,
  satisfiesSpecifierSet,
  type Specifier,
  type SpecifierOperator,
  type SpecifierSet,
  tryParseVersion,
  type Version,
  versionsEqual,
} from "./lib/pep440/mod.ts";
export {
  evaluateMarker,
  formatMarker,
  formatRequirement,
  type Marker,
  MARKER_VARIABLES,
  type MarkerContext,
  type MarkerEnvironment,
  type MarkerOperator,
  type MarkerValue,
  type MarkerVariable,
  parseMarker,
  parseRequirement,
  type Requirement,
} from "./lib/pep508/mod.ts";
export { supportedTags, type TagInput, type TagSet } from "./lib/pep425/mod.ts";
export {
  parseWheelFilename,
  SDIST_EXTENSIONS,
  type SdistFilename,
  tryParseSdistFilename,
  tryParseWheelFilename,
  type WheelFilename,
} from "./lib/dist_filename/mod.ts";
export { type CoreMetadata, dependenciesFor, parseCoreMetadata } from "./lib/metadata/mod.ts";
export {
  readConstraintsFile,
  readRequirementsFile,
  type ReadRequirementsOptions,
  type RequirementLine,
  type RequirementsFile,
} from "./lib/requirements_file/mod.ts";

// The index client, the resolver and PEP 751 locks.
export {
  type ArtifactMismatch,
  ArtifactMismatchError,
  type ArtifactSpec,
  type BodySink,
  HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  IndexClient,
  type IndexClientOptions,
  type IndexFile,
  type PageEntry,
  type ProjectFiles,
  type ProjectPage,
  type RequestOptions,
  type SdistMetadataBuilder,
} from "./lib/index/mod.ts";
export {
  type PrereleaseMode,
  type Resolution,
  type ResolutionMode,
  resolve,
  type ResolvedPackage,
  type ResolveOptions,
} from "./lib/resolver/mod.ts";
export {
  buildPylock,
  formatPylock,
  type LockablePackage,
  type LockedInstall,
  parsePylock,
  type ParsePylockOptions,
  type Pylock,
  type PylockFile,
  type PylockPackage,
  selectLockedFiles,
} from "./lib/lock/mod.ts";
