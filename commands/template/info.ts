import { buildCommand } from "npm:@stricli/core@1.3.0";
import {
  action,
  type CliContext,
  formatFor,
  GLOBAL_ALIASES,
  GLOBAL_FLAGS,
  type GlobalFlags,
} from "../_context.ts";
import { examples, text } from "../_help.ts";

/** `gestvenv template info NAME`: a template's variables, base chain, groups and files. */
export const templateInfoCommand = buildCommand<GlobalFlags, [string], CliContext>({
  docs: {
    brief: "Show a template: its base, dependency groups, variables with defaults, and files",
    fullDescription: examples([
      ["gestvenv template info basic", "what create-from-template basic writes"],
      ["gestvenv template info web --format json", "the same as data"],
    ]),
  },
  parameters: {
    flags: { ...GLOBAL_FLAGS },
    aliases: GLOBAL_ALIASES,
    positional: { kind: "tuple", parameters: [text("Template name", "template")] },
  },
  func: action("template info", async (ctx, _flags, name: string) => {
    const { resolveTemplate, standardVariables } = await import("../../lib/templates/mod.ts");
    const format = formatFor(ctx, ["table", "json"], "table");
    const resolved = await resolveTemplate(name, ctx.home);
    const t = resolved.template;
    const standard = standardVariables();
    const variables = [...standard.keys(), ...resolved.variables.keys()]
      .filter((k, i, all) => all.indexOf(k) === i)
      .map((k) => {
        const own = resolved.variables.get(k);
        const v = own ?? standard.get(k)!;
        return {
          name: k,
          default: k === "package_name" ? "(from project_name)" : v.default,
          choices: v.choices ?? null,
          prompt: v.prompt ?? null,
          standard: standard.has(k),
        };
      });
    const files = resolved.files.map((f) => ({
      path: f.path,
      from: f.from,
      verbatim: f.verbatim,
      when: f.conditions.length === 0 ? null : f.conditions.join(" and "),
    }));
    if (format === "json") {
      ctx.printer.json("template info", {
        name: t.name,
        source: t.origin,
        path: t.dir ?? null,
        description: t.manifest.description,
        bases: resolved.chain.slice(0, -1).map((c) => c.name).reverse(),
        groups: resolved.groups,
        variables,
        files,
      });
      return;
    }
    const p = ctx.printer;
    p.data(`${t.name} (${t.origin}${t.dir === undefined ? "" : `, ${t.dir}`})`);
    if (t.manifest.description !== "") p.data(`  ${t.manifest.description}`);
    const bases = resolved.chain.slice(0, -1).map((c) => c.name).reverse();
    if (bases.length > 0) p.data(`  Extends: ${bases.join(" → ")}`);
    p.data(
      `  Groups installed: ${resolved.groups.length === 0 ? "none" : resolved.groups.join(", ")}`,
    );
    p.data("");
    await p.table(
      ["Variable", "Default", "Choices", "Meaning"],
      variables.map((v) => [
        v.name,
        typeof v.default === "boolean" ? String(v.default) : v.default,
        v.choices?.join(", ") ?? "",
        v.prompt ?? "",
      ]),
    );
    await p.table(
      ["File", "From", "Written when", "Rendered"],
      files.map((f) => [f.path, f.from, f.when ?? "always", f.verbatim ? "no (verbatim)" : "yes"]),
    );
  }, { effect: "reads" }),
});
