/// <reference lib="dom" />
/**
 * The one way the dashboard builds DOM: {@linkcode h} creates elements whose children are nodes
 * or strings, and strings always become text nodes (`textContent`), never markup. Package names,
 * descriptions, log lines and error messages come from distributions and indexes we do not
 * control (a project may be named `<img onerror=…>`), so nothing here parses HTML: there is no
 * `innerHTML` in the dashboard.
 *
 * @module
 */

/** A child of {@linkcode h}: a node, a text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes of {@linkcode h}: strings are set with `setAttribute`, booleans toggle, functions listen. */
export type Attrs = Record<
  string,
  string | number | boolean | null | undefined | ((event: Event) => void)
>;

function appendChildren(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendChildren(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

function applyAttrs(el: Element, attrs: Attrs): void {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      el.addEventListener(key.replace(/^on/, "").toLowerCase(), value);
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      if (/^on/i.test(key)) throw new Error(`refusing an inline handler attribute: ${key}`);
      el.setAttribute(key, String(value));
    }
  }
}

/**
 * Creates an HTML element: `h("a", { href: "#/cache" }, "Cache")`. Strings among `children` are
 * text, never HTML. An attribute named `on…` must be a function (an event listener).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element (charts), with the same rules as {@linkcode h}. */
export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  applyAttrs(el, attrs);
  appendChildren(el, children);
  return el;
}

/** Replaces the children of `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  appendChildren(parent, children);
}
