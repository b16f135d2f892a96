import { ConfigError } from "../errors/mod.ts";
import type { ResolvedTemplate, ResolvedTemplateFile } from "./project_template.ts";
import type { TemplateValue } from "./template_manifest.ts";

/** A file of the generated project, rendered in memory. */
export interface RenderedFile {
  /** Path relative to the project directory, `/`-separated, rendered. */
  readonly path: string;
  /** The template file's path under `files/`, before rendering (absent for files not rendered). */
  readonly source?: string;
  /** Its contents. */
  readonly content: Uint8Array;
  /** Whether it is executable. */
  readonly executable: boolean;
  /** The template (in the base chain) it comes from. */
  readonly from: string;
  /** Copied without rendering its contents. */
  readonly verbatim: boolean;
}

interface LiquidEngine {
  parseAndRender(text: string, scope: object): Promise<string>;
  evalValue(expression: string, scope: object): Promise<unknown>;
}

let engine: Promise<LiquidEngine> | undefined;

const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `text` as a TOML basic string, quotes included (the `toml` filter): `"`, `\\` and control
 * characters escaped (TOML 1.0 §String).
 */
export function tomlString(text: string): string {
  return `"${
    text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")
      // deno-lint-ignore no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, hex4)
  }"`;
}

/**
 * `text` as a Python string literal, quotes included (the `pystr` filter): `"`, `\\` and
 * control characters escaped.
 */
export function pythonString(text: string): string {
  return tomlString(text);
}

/**
 * The Liquid engine (liquidjs, its browser build: no `node:` import), made once on first use
 * (the first `new Liquid()` costs 22–30 ms): undefined variables and filters are errors, only a
 * scope's own properties are visible, and `include`/`render`/`layout` find no file (a template
 * reads nothing outside its own files).
 */
function liquid(): Promise<LiquidEngine> {
  engine ??= (async () => {
    const { Liquid } = await import("npm:liquidjs@10.30.1/dist/liquid.browser.mjs");
    const nothing = (file: string): never => {
      throw new Error(`templates cannot include files (${file})`);
    };
    const liquid = new Liquid({
      strictVariables: true,
      strictFilters: true,
      ownPropertyOnly: true,
      relativeReference: false,
      fs: {
        exists: () => Promise.resolve(false),
        existsSync: () => false,
        readFile: (file: string) => Promise.resolve(nothing(file)),
        readFileSync: nothing,
        resolve: (_root: string, file: string) => file,
      },
    });
    liquid.registerFilter("toml", (value: unknown) => tomlString(String(value)));
    liquid.registerFilter("pystr", (value: unknown) => pythonString(String(value)));
    return liquid as unknown as LiquidEngine;
  })();
  return engine;
}

function templateError(template: string, where: string, error: unknown): ConfigError {
  return new ConfigError(
    `Template \`${template}\`: ${where}: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
      hint:
        "Fix the template (Liquid syntax); a variable it uses must be a standard one or declared " +
        "in its template.toml `[variables]`",
    },
  );
}

/**
 * Renders `text` with Liquid and `values` (no escaping; undefined variables are errors).
 *
 * @throws {Error} liquidjs's error (with line and column) on bad syntax or an undefined variable.
 */
export async function renderText(
  text: string,
  values: Record<string, TemplateValue>,
): Promise<string> {
  return await (await liquid()).parseAndRender(text, values);
}

/**
 * Whether a Liquid condition (a `[when]` value: `docker`, `framework == 'flask'`) holds: Liquid's
 * truthiness (only `false` and `nil` are false; `""` is true).
 *
 * @throws {Error} liquidjs's error on bad syntax or an undefined variable.
 */
export async function evalCondition(
  condition: string,
  values: Record<string, TemplateValue>,
): Promise<boolean> {
  const value = await (await liquid()).evalValue(condition, values);
  return value !== false && value !== null && value !== undefined;
}

/** A rendered path's segments, or undefined when a segment is empty (the file is left out). */
function safeSegments(template: string, source: string, rendered: string): string[] | undefined {
  const segments = rendered.split("/").map((s) => s.trim());
  if (segments.some((s) => s === "")) return undefined;
  for (const s of segments) {
    if (s === "." || s === ".." || /[\\\0:]/.test(s) || /[\n\r]/.test(s)) {
      throw new ConfigError(
        `Template \`${template}\`: the path of ${source} renders to ${
          JSON.stringify(rendered)
        }, which leaves the project or is not a file name`,
        { hint: "Check the variables used in the path (no `..`, `\\`, `:` or line breaks)" },
      );
    }
  }
  return segments;
}

/**
 * Renders a resolved template in memory: for each file whose `[when]` conditions hold, its path
 * and (unless verbatim) its contents with Liquid. A path with an empty segment after rendering is
 * left out. Nothing touches the disk.
 *
 * @returns The files sorted by path.
 * @throws {ConfigError} On a Liquid error (syntax, undefined variable) with the file named, a
 *   rendered path that is unsafe (`..`, `\`, absolute), or two files rendering to one path.
 */
export async function renderTemplate(
  template: ResolvedTemplate,
  values: Record<string, TemplateValue>,
): Promise<RenderedFile[]> {
  const name = template.template.name;
  const out = new Map<string, RenderedFile>();
  const encoder = new TextEncoder();
  const one = async (f: ResolvedTemplateFile): Promise<RenderedFile | undefined> => {
    for (const condition of f.conditions) {
      let holds: boolean;
      try {
        holds = await evalCondition(condition, values);
      } catch (error) {
        throw templateError(name, `[when] "${f.path}" = ${JSON.stringify(condition)}`, error);
      }
      if (!holds) return undefined;
    }
    let path: string;
    try {
      path = await renderText(f.path, values);
    } catch (error) {
      throw templateError(name, `the path files/${f.path}`, error);
    }
    const segments = safeSegments(name, `files/${f.path}`, path);
    if (segments === undefined) return undefined;
    let content: Uint8Array;
    if (f.file.text === undefined) content = f.file.bytes ?? new Uint8Array();
    else if (f.verbatim) content = encoder.encode(f.file.text);
    else {
      try {
        content = encoder.encode(await renderText(f.file.text, values));
      } catch (error) {
        throw templateError(name, `files/${f.path}`, error);
      }
    }
    return {
      path: segments.join("/"),
      source: f.path,
      content,
      executable: f.file.executable,
      from: f.from,
      verbatim: f.verbatim,
    };
  };
  for (const f of template.files) {
    const rendered = await one(f);
    if (rendered === undefined) continue;
    if (out.has(rendered.path)) {
      throw new ConfigError(
        `Template \`${name}\`: two files render to ${rendered.path}`,
        { hint: "Give them distinct paths, or a `[when]` condition so only one is written" },
      );
    }
    out.set(rendered.path, rendered);
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
