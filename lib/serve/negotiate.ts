/**
 * PEP 691 content negotiation for the simple API: which of JSON, the versioned HTML type or plain
 * `text/html` a client gets, from its `Accept` header (RFC 9110 §12.5.1 quality values) or the
 * `format` query parameter PEP 691 suggests as an alternative.
 *
 * @module
 */

/** PEP 691 JSON. */
export const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";
/** PEP 691's versioned HTML (the PEP 503 page). */
export const SIMPLE_HTML = "application/vnd.pypi.simple.v1+html";
/** Plain HTML (PEP 503, what browsers and old clients get). */
export const TEXT_HTML = "text/html";

/** The content type chosen for an answer. */
export type SimpleContentType = typeof SIMPLE_JSON | typeof SIMPLE_HTML | typeof TEXT_HTML;

/** Candidates in the server's order of preference for equal quality (HTML first: browsers). */
const CANDIDATES: SimpleContentType[] = [TEXT_HTML, SIMPLE_HTML, SIMPLE_JSON];

/** The `latest` aliases PEP 691 defines. */
function canonical(type: string): string {
  if (type === "application/vnd.pypi.simple.latest+json") return SIMPLE_JSON;
  if (type === "application/vnd.pypi.simple.latest+html") return SIMPLE_HTML;
  return type;
}

/** How specific a media range matching `candidate` is (-1: it does not match). */
function specificity(range: string, candidate: string): number {
  if (range === candidate) return 3;
  if (range === "*/*") return 1;
  const [type, sub] = range.split("/");
  if (sub === "*" && candidate.startsWith(`${type}/`)) return 2;
  return -1;
}

/**
 * The content type to answer with, or null when nothing the client accepts can be served (the
 * caller answers 406). A `format` query value (one of the three types, or `json`/`html`) wins over
 * `Accept`; no `Accept` (or an empty one) means `text/html`.
 */
export function negotiate(accept: string | null, format: string | null): SimpleContentType | null {
  if (format !== null && format !== "") {
    // `+` in a query string reads as a space when not written `%2B`.
    const text = format.trim().toLowerCase().replaceAll(" ", "+");
    const wanted = text === "json" ? SIMPLE_JSON : text === "html" ? TEXT_HTML : canonical(text);
    return CANDIDATES.find((c) => c === wanted) ?? null;
  }
  if (accept === null || accept.trim() === "") return TEXT_HTML;
  const ranges = accept.split(",").map((part) => {
    const [type = "", ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m !== null) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
    return { type: canonical(type), q };
  });
  let best: SimpleContentType | null = null;
  let bestQ = 0;
  for (const candidate of CANDIDATES) {
    // The most specific range that matches decides the candidate's quality.
    let q = -1, spec = -1;
    for (const range of ranges) {
      const s = specificity(range.type, candidate);
      if (s > spec) {
        spec = s;
        q = range.q;
      }
    }
    if (spec < 0 || q <= 0) continue;
    // A JSON-asking client names it; among equals the server's preference (the order) stands,
    // except that an explicit match beats a wildcard of the same quality.
    if (q > bestQ || (q === bestQ && spec === 3 && best !== null && specOf(ranges, best) < 3)) {
      best = candidate;
      bestQ = q;
    }
  }
  return best;
}

function specOf(ranges: { type: string }[], candidate: string): number {
  return Math.max(-1, ...ranges.map((r) => specificity(r.type, candidate)));
}
