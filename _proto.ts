import {
  buildApplication,
  buildCommand,
  buildRouteMap,
  type CommandContext,
  run,
} from "@stricli/core";
const create = buildCommand({
  docs: {
    brief: "Create an environment",
    fullDescription: "Long text.\n\nExamples:\n  $ gestvenv create web",
  },
  parameters: {
    flags: {
      python: {
        kind: "parsed",
        parse: String,
        brief: "interpreter",
        optional: true,
        placeholder: "request",
      },
      requirement: {
        kind: "parsed",
        parse: String,
        brief: "req file",
        optional: true,
        variadic: true,
      },
      backend: { kind: "enum", values: ["auto", "pip", "uv"], brief: "backend", optional: true },
      dryRun: { kind: "boolean", brief: "dry", optional: true },
      color: { kind: "boolean", brief: "colors", default: true },
      verbose: { kind: "boolean", brief: "verbose", optional: true },
    },
    aliases: { p: "python", r: "requirement", n: "dryRun", v: "verbose" },
    positional: {
      kind: "tuple",
      parameters: [{ brief: "name", parse: String, placeholder: "name" }],
    },
  },
  func: async function (this: CommandContext, flags, name) {
    console.log(JSON.stringify({ flags, name }));
  },
});
const runc = buildCommand({
  docs: { brief: "Run" },
  parameters: {
    positional: {
      kind: "array",
      parameter: { brief: "cmd", parse: String, placeholder: "command" },
      minimum: 1,
    },
    flags: {},
  },
  func: async function (this: CommandContext, _flags, ...cmd: string[]) {
    console.log(JSON.stringify(cmd));
  },
});
const fail = buildCommand({
  docs: { brief: "fails" },
  parameters: {},
  func: async function () {
    throw new Error("boom");
  },
});
const root = buildRouteMap({
  routes: { create, run: runc, fail },
  aliases: { mk: "create" },
  docs: { brief: "gestvenv test" },
});
const app = buildApplication(root, {
  name: "gestvenv",
  versionInfo: { currentVersion: "0.1.0" },
  scanner: { caseStyle: "allow-kebab-for-camel", allowArgumentEscapeSequence: true },
  documentation: { caseStyle: "convert-camel-to-kebab" },
  determineExitCode: (e) => 42,
});
const proc = {
  stdout: { write: (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s)) },
  stderr: { write: (s: string) => Deno.stderr.writeSync(new TextEncoder().encode("ERR:" + s)) },
  exitCode: 0 as number | string | undefined | null,
  env: {},
};
await run(app, Deno.args, { process: proc });
console.log("exit", proc.exitCode);
