/// <reference lib="dom" />
/**
 * Pieces the pages share: sections that load their own data, error boxes (a command's message
 * and hint), definition lists, and the page context (session, navigation).
 *
 * @module
 */
import { ApiError, type Session } from "./api.ts";
import { type Child, h, replace } from "./dom.ts";
import { errorList } from "./jobs.ts";

/** What every page receives. */
export interface PageContext {
  /** The server's session: read-only mode hides every action. */
  session: Session;
  /** Goes to a hash route (`#/env/web`). */
  navigate(hash: string): void;
  /** True once the user left the page (stop filling it). */
  left(): boolean;
}

/** An error as the page shows it: the command's errors (message + hint) or the failure. */
export function errorBox(error: unknown): HTMLElement {
  if (error instanceof ApiError && error.errors.length > 0) {
    return h("div", { class: "error-box", role: "alert" }, errorList(error.errors));
  }
  const message = error instanceof Error ? error.message : String(error);
  return h(
    "div",
    { class: "error-box", role: "alert" },
    errorList([{ code: "error", message }]),
  );
}

/**
 * A section with a heading whose body comes from `load` (a "Loading…" line until then, the error
 * if it fails). @returns the section and a `reload()`.
 */
export function loadingSection(
  title: string,
  load: () => Promise<Child>,
  options: { id?: string; actions?: Child } = {},
): { element: HTMLElement; reload: () => Promise<void> } {
  const body = h("div", { class: "section-body", "aria-live": "polite" });
  const element = h(
    "section",
    { class: "card", id: options.id ?? null },
    h("div", { class: "card-head" }, h("h2", {}, title), options.actions ?? null),
    body,
  );
  const reload = async () => {
    replace(body, h("p", { class: "loading" }, "Loading…"));
    try {
      replace(body, await load());
    } catch (error) {
      replace(body, errorBox(error));
    }
  };
  void reload();
  return { element, reload };
}

/** A definition list of `[term, value]` pairs (values may be nodes). */
export function dl(pairs: Array<[string, Child]>): HTMLDListElement {
  return h("dl", { class: "facts" }, pairs.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** A page heading that takes the focus after navigation (screen readers hear the page). */
export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  return h("div", { class: "page-head" }, h("h1", { tabindex: "-1" }, text), extra);
}

/** A button. */
export function button(
  label: string,
  onClick: (event: Event) => void,
  attrs: Record<string, string | boolean> = {},
): HTMLButtonElement {
  return h("button", { type: "button", ...attrs, onclick: onClick }, label);
}

/** A link to an environment's page. */
export function envLink(name: string): HTMLAnchorElement {
  return h("a", { href: `#/env/${encodeURIComponent(name)}` }, name);
}

/** `severity` as a text badge (the word, not only a color). */
export function severityBadge(severity: string): HTMLElement {
  return h("span", { class: `badge sev-${severity.replace(/[^a-z]/g, "")}` }, severity);
}
