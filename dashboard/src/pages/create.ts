/// <reference lib="dom" />
/**
 * The Create form: a name, a Python among the interpreters `pyversions` discovers, and packages
 * or the text of a requirements file. It runs `create` as a job and opens the new environment.
 *
 * @module
 */
import { getEnvelope, type JobRequest } from "../api.ts";
import { h, replace } from "../dom.ts";
import { runJob } from "../jobs.ts";
import { errorBox, type PageContext, pageTitle } from "../ui.ts";

interface Python {
  path: string;
  version: string;
  implementation_display?: string;
  implementation?: string;
  source?: string;
}

/** Draws the Create page into `main`. */
export function createPage(main: HTMLElement, ctx: PageContext): Promise<void> {
  if (ctx.session.read_only) {
    replace(
      main,
      pageTitle("Create an environment"),
      h("p", {}, "The dashboard is read-only: it was started with --read-only."),
    );
    return Promise.resolve();
  }
  const name = h("input", {
    type: "text",
    id: "create-name",
    name: "name",
    required: true,
    autocomplete: "off",
    "aria-describedby": "create-name-help",
  });
  const python = h(
    "select",
    { id: "create-python", name: "python" },
    h("option", { value: "" }, "the default Python"),
  );
  const packages = h("input", {
    type: "text",
    id: "create-packages",
    name: "packages",
    autocomplete: "off",
    placeholder: "flask requests>=2",
  });
  const requirements = h("textarea", {
    id: "create-requirements",
    name: "requirements",
    rows: 6,
    placeholder: "# a requirements file\nflask>=3\nrequests",
  });
  const status = h("div", { "aria-live": "polite" });
  const form = h(
    "form",
    { id: "create-form", class: "card form" },
    h("p", {}, h("label", { for: "create-name" }, "Name"), name),
    h("p", { class: "help", id: "create-name-help" }, "Letters, digits, ., _ and -."),
    h("p", {}, h("label", { for: "create-python" }, "Python"), python),
    h("p", {}, h("label", { for: "create-packages" }, "Packages (space-separated)"), packages),
    h(
      "p",
      {},
      h("label", { for: "create-requirements" }, "Or paste a requirements file"),
      requirements,
    ),
    h("p", {}, h("button", { type: "submit", class: "primary" }, "Create")),
    status,
  );
  replace(main, pageTitle("Create an environment"), form);
  getEnvelope<Python[]>("/api/v1/pythons").then((env) => {
    for (const p of env.data ?? []) {
      python.append(
        h(
          "option",
          { value: p.path },
          `${p.version} ${p.implementation_display ?? p.implementation ?? ""} (${
            p.source ?? "found"
          }: ${p.path})`,
        ),
      );
    }
  }, (error) => status.append(errorBox(error)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const request: JobRequest = { action: "create", env: name.value.trim() };
    if (python.value !== "") request.python = python.value;
    const list = packages.value.trim().split(/[\s,]+/).filter((p) => p !== "");
    if (list.length > 0) request.packages = list;
    if (requirements.value.trim() !== "") request.requirements = requirements.value;
    try {
      const outcome = await runJob(request);
      if (outcome.exitCode === 0 && !ctx.left()) {
        ctx.navigate(`#/env/${encodeURIComponent(request.env ?? "")}`);
      }
    } catch {
      // The job card says why the server refused it.
    }
  });
  return Promise.resolve();
}
