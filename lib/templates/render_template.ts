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

/**
 * Renders a template file's path (`files/`-relative, `/`-separated) segment by segment: a segment
 * that renders to nothing (`{{ maybe }}` with `maybe = ""`) leaves the file out (undefined); a
 * value holding `/` adds directories. Nothing is trimmed.
 *
 * @returns The rendered segments, or undefined when the file is left out.
 * @throws {ConfigError} On a Liquid error in the path; when a value makes the path absolute
 *   (`{{ abs }}x` with `abs = "/tmp/"`) or leaves an empty segment inside a rendered segment
 *   (`a//b`, a trailing `/`); when a segment is `.` or `..`, holds `\`, `:`, NUL or a line
 *   break, or begins or ends with whitespace.
 */
async function renderPath(
  template: string,
  source: string,
  values: Record<string, TemplateValue>,
): Promise<string[] | undefined> {
  const out: string[] = [];
  const refuse = (rendered: string, why: string, hint: string) =>
    new ConfigError(
      `Template \`${template}\`: the path files/${source} renders to ${
        JSON.stringify(rendered)
      }, ${why}`,
      { hint },
    );
  const rendered: string[] = [];
  for (const segment of source.split("/")) {
    try {
      rendered.push(await renderText(segment, values));
    } catch (error) {
      throw templateError(template, `the path files/${source}`, error);
    }
  }
  const whole = rendered.join("/");
  for (const segment of rendered) {
    if (segment === "") return undefined;
  }
  for (const segment of rendered) {
    const parts = segment.split("/");
    if (parts[0] === "") {
      throw refuse(
        whole,
        "an absolute path",
        "A value used in a path must be a relative name (no leading `/`)",
      );
    }
    if (parts.some((p) => p === "")) {
      throw refuse(
        whole,
        "which has an empty directory name",
        "A value used in a path must not begin or end with `/`, nor hold `//`",
      );
    }
    for (const p of parts) {
      if (p === "." || p === ".." || /[\\\0:\n\r]/.test(p)) {
        throw refuse(
          whole,
          "which leaves the project or is not a file name",
          "Check the variables used in the path (no `..`, `\\`, `:` or line breaks)",
        );
      }
      if (p !== p.trim()) {
        throw refuse(
          whole,
          "whose name begins or ends with whitespace",
          "Remove the spaces around the value used in the path",
        );
      }
    }
    out.push(...parts);
  }
  return out;
}

/**
 * Renders a resolved template in memory: for each file whose `[when]` conditions hold, its path
 * and (unless verbatim) its contents with Liquid. A path is rendered segment by segment: one that
 * renders to nothing leaves the file out. Nothing touches the disk.
 *
 * @returns The files sorted by path.
 * @throws {ConfigError} On a Liquid error (syntax, undefined variable) with the file named, a
 *   rendered path that is unsafe (`..`, `\`, absolute, an empty directory name, whitespace around
 *   a name), or two files rendering to one path.
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
    const segments = await renderPath(name, f.path, values);
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
