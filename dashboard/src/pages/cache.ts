/// <reference lib="dom" />
/**
 * The Cache page: where the cache is and its size by kind (`cache info`), hits, misses, the size
 * by project and the ages of artifacts (`cache stats`), the hit rate over time (a small SVG chart
 * of `stats --trend`'s cache figures by day), the cached versions no environment's lock
 * references (`cache list`'s `referenced`), and the clean action (`cache clean`).
 *
 * @module
 */
import { getEnvelope, type JobRequest } from "../api.ts";
import { h, replace, svg } from "../dom.ts";
import { formatAgo, formatBytes, formatPercent } from "../format.ts";
import { parseDays } from "../inputs.ts";
import { runJob } from "../jobs.ts";
import { sortableTable } from "../table.ts";
import { dl, loadingSection, type PageContext, pageTitle } from "../ui.ts";

interface CacheInfo {
  location: string;
  total_bytes: number;
  index_bytes: number;
  kinds: Array<{ kind: string; count: number; bytes: number }>;
}

interface CacheStats {
  hits: number;
  misses: number;
  hit_rate: number | null;
  bytes_saved: number;
  bytes_downloaded: number;
  since: string | null;
  artifacts: number;
  artifact_bytes: number;
  largest_projects: Array<{ project: string; versions: number; files: number; bytes: number }>;
  ages: Array<{ last_used: string; count: number; bytes: number }>;
}

/** One project version of `cache list --format json`. */
export interface CacheEntry {
  project: string;
  version: string;
  platforms?: string[];
  bytes: number;
  last_used: string | null;
  /** Named by a registered environment's lock (what `cache clean` keeps). */
  referenced?: boolean;
  files: Array<{ filename: string; bytes: number; unpacked?: boolean; referenced?: boolean }>;
}

function entriesTable(caption: string, entries: CacheEntry[]): HTMLElement {
  return sortableTable<CacheEntry>(
    caption,
    [
      {
        label: "Project",
        cell: (e) => h("span", { class: "pkg" }, e.project),
        sortValue: (e) => e.project,
      },
      { label: "Version", cell: (e) => e.version },
      {
        label: "Files",
        cell: (e) => String(e.files.length),
        sortValue: (e) => e.files.length,
        numeric: true,
      },
      {
        label: "Size",
        cell: (e) => formatBytes(e.bytes),
        sortValue: (e) => e.bytes,
        numeric: true,
      },
      {
        label: "Last used",
        cell: (e) => formatAgo(e.last_used),
        sortValue: (e) => e.last_used ?? "",
      },
    ],
    entries,
    { sortBy: 3, descending: true },
  ).element;
}

/** One day of the hit-rate chart. */
export interface DayRate {
  day: string;
  hits: number;
  misses: number;
}

/** One day of `stats --trend --format json`. */
interface TrendDay {
  day: string;
  cache_hits?: number;
  cache_misses?: number;
  cache_hit_rate?: number | null;
}

/** The days of `stats --trend` on which artifacts were asked for, oldest first. */
export function hitRateByDay(trend: readonly TrendDay[]): DayRate[] {
  return trend
    .filter((d) => (d.cache_hits ?? 0) + (d.cache_misses ?? 0) > 0)
    .map((d) => ({ day: d.day, hits: d.cache_hits ?? 0, misses: d.cache_misses ?? 0 }));
}

/** The hit rate by day as an SVG bar chart, with a table of the same figures beside it. */
export function hitRateChart(days: readonly DayRate[]): HTMLElement {
  if (days.length === 0) {
    return h("p", {}, "No operation in the log recorded cache lookups yet.");
  }
  const shown = days.slice(-30);
  const width = 480;
  const height = 160;
  const left = 36;
  const bottom = 24;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const barW = Math.max(4, Math.min(40, plotW / shown.length - 4));
  const chart = svg(
    "svg",
    {
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: "img",
      "aria-labelledby": "hit-rate-title",
      class: "chart",
    },
    svg(
      "title",
      { id: "hit-rate-title" },
      "Cache hit rate by day (percent of lookups served by the cache)",
    ),
    [0, 50, 100].map((pct) => {
      const y = 8 + plotH - (plotH * pct) / 100;
      return [
        svg("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "grid-line" }),
        svg("text", { x: left - 4, y: y + 4, "text-anchor": "end", class: "axis" }, `${pct}%`),
      ];
    }),
    shown.map((d, i) => {
      const rate = d.hits / (d.hits + d.misses);
      const x = left + 2 + i * (plotW / shown.length);
      const barH = Math.max(1, plotH * rate);
      return svg(
        "g",
        {},
        svg("rect", { x, y: 8 + plotH - barH, width: barW, height: barH, class: "bar" }),
        svg("title", {}, `${d.day}: ${formatPercent(rate)} (${d.hits} hits, ${d.misses} misses)`),
        shown.length <= 14
          ? svg(
            "text",
            { x: x + barW / 2, y: 8 + plotH - barH - 3, "text-anchor": "middle", class: "value" },
            `${Math.round(rate * 100)}%`,
          )
          : null,
        i === 0 || i === shown.length - 1
          ? svg(
            "text",
            { x: x + barW / 2, y: height - 6, "text-anchor": "middle", class: "axis" },
            d.day.slice(5),
          )
          : null,
      );
    }),
  );
  const table = sortableTable<DayRate>(
    "Hit rate by day",
    [
      { label: "Day", cell: (d) => d.day, sortValue: (d) => d.day },
      { label: "Hits", cell: (d) => String(d.hits), numeric: true },
      { label: "Misses", cell: (d) => String(d.misses), numeric: true },
      {
        label: "Hit rate",
        cell: (d) => formatPercent(d.hits / (d.hits + d.misses)),
        numeric: true,
      },
    ],
    [...shown],
    { sortBy: 0, descending: true },
  );
  return h(
    "div",
    { class: "chart-box" },
    chart,
    h("details", {}, h("summary", {}, "The figures"), table.element),
  );
}

/** Draws the Cache page into `main`. */
export function cachePage(main: HTMLElement, ctx: PageContext): Promise<void> {
  const info = loadingSection("Size and location", async () => {
    const env = await getEnvelope<CacheInfo>("/api/v1/cache");
    const data = env.data as CacheInfo;
    return h(
      "div",
      {},
      dl([
        ["Location", h("span", { class: "mono" }, data.location)],
        ["Total size", formatBytes(data.total_bytes)],
        ["Index database", formatBytes(data.index_bytes)],
      ]),
      sortableTable(
        "By kind",
        [
          { label: "Kind", cell: (k) => k.kind, sortValue: (k) => k.kind },
          {
            label: "Entries",
            cell: (k) => String(k.count),
            sortValue: (k) => k.count,
            numeric: true,
          },
          {
            label: "Size",
            cell: (k) => formatBytes(k.bytes),
            sortValue: (k) => k.bytes,
            numeric: true,
          },
        ],
        data.kinds,
        { sortBy: 2, descending: true },
      ).element,
    );
  }, { id: "cache-info" });

  const stats = loadingSection("Use", async () => {
    const env = await getEnvelope<CacheStats>("/api/v1/cache/stats");
    const s = env.data as CacheStats;
    return h(
      "div",
      {},
      dl([
        ["Hit rate", `${formatPercent(s.hit_rate)} (${s.hits} hits, ${s.misses} misses)`],
        ["Saved", formatBytes(s.bytes_saved)],
        ["Downloaded", formatBytes(s.bytes_downloaded)],
        ["Artifacts", `${s.artifacts} (${formatBytes(s.artifact_bytes)})`],
      ]),
      sortableTable(
        "Size by project",
        [
          {
            label: "Project",
            cell: (p) => h("span", { class: "pkg" }, p.project),
            sortValue: (p) => p.project,
          },
          {
            label: "Versions",
            cell: (p) => String(p.versions),
            sortValue: (p) => p.versions,
            numeric: true,
          },
          {
            label: "Files",
            cell: (p) => String(p.files),
            sortValue: (p) => p.files,
            numeric: true,
          },
          {
            label: "Size",
            cell: (p) => formatBytes(p.bytes),
            sortValue: (p) => p.bytes,
            numeric: true,
          },
        ],
        s.largest_projects,
        { sortBy: 3, descending: true },
      ).element,
      sortableTable("Age (last use)", [
        { label: "Last used", cell: (a) => a.last_used },
        { label: "Artifacts", cell: (a) => String(a.count), numeric: true },
        { label: "Size", cell: (a) => formatBytes(a.bytes), numeric: true },
      ], s.ages).element,
    );
  }, { id: "cache-stats" });

  const trend = loadingSection("Hit rate over time", async () => {
    const env = await getEnvelope<{ trend?: TrendDay[] }>("/api/v1/stats?trend=1");
    return hitRateChart(hitRateByDay(env.data?.trend ?? []));
  }, { id: "cache-trend" });

  const entries = loadingSection("Entries", async () => {
    const list = await getEnvelope<CacheEntry[]>("/api/v1/cache/entries");
    const all = list.data ?? [];
    const unused = all.filter((e) => e.referenced === false);
    const unusedBytes = unused.reduce((n, e) => n + e.bytes, 0);
    return h(
      "div",
      {},
      h(
        "p",
        {},
        `${unused.length} of ${all.length} cached version${all.length === 1 ? "" : "s"} ` +
          `(${formatBytes(unusedBytes)}) are named by no environment's lock, ` +
          "so cache clean does not keep them.",
      ),
      entriesTable("Referenced by no environment's lock", unused),
      h(
        "details",
        {},
        h("summary", {}, `Every cached version (${all.length})`),
        entriesTable("Cached versions", all),
      ),
    );
  }, { id: "cache-entries" });

  const sections: HTMLElement[] = [info.element, stats.element, trend.element, entries.element];
  if (!ctx.session.read_only) {
    const mode = h(
      "select",
      { id: "clean-mode", name: "mode" },
      h("option", { value: "unpacked" }, "unpacked wheels and stray files no environment uses"),
      h("option", { value: "older" }, "artifacts not used for the number of days below"),
      h("option", { value: "all" }, "everything (environments keep working)"),
    );
    const days = h("input", {
      type: "number",
      id: "clean-days",
      min: "1",
      step: "1",
      value: "30",
      "aria-describedby": "clean-days-error",
    });
    const daysError = h("p", { class: "field-error", id: "clean-days-error", role: "alert" });
    const daysLine = h(
      "div",
      { hidden: true },
      h("p", {}, h("label", { for: "clean-days" }, "Days "), days),
      daysError,
    );
    mode.addEventListener("change", () => {
      daysLine.hidden = mode.value !== "older";
      // Only the mode that uses the day count requires it.
      days.required = mode.value === "older";
    });
    const form = h(
      "form",
      { class: "action", id: "clean-form" },
      h("p", {}, h("label", { for: "clean-mode" }, "Remove "), mode),
      daysLine,
      h("button", { type: "submit", class: "danger" }, "Clean the cache"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const request: JobRequest = { action: "cache-clean", confirm: true };
      if (mode.value === "unpacked") request.unpacked = true;
      else if (mode.value === "older") {
        const count = parseDays(days.value);
        if (count === null) {
          daysError.textContent = "Enter a whole number of days, 1 or more.";
          days.setAttribute("aria-invalid", "true");
          days.focus();
          return;
        }
        daysError.textContent = "";
        days.removeAttribute("aria-invalid");
        request.older_than_days = count;
      } else {
        if (!globalThis.confirm("Remove everything in the cache?")) return;
        request.all = true;
      }
      // Even a failed or cancelled clean may have removed files: redraw the figures.
      void runJob(request).then(() => {
        if (!ctx.left()) {
          void info.reload();
          void stats.reload();
          void entries.reload();
        }
      }, () => {});
    });
    sections.push(h("section", { class: "card", id: "cache-clean" }, h("h2", {}, "Clean"), form));
  }
  replace(main, pageTitle("Cache"), h("div", { class: "grid" }, sections));
  return Promise.resolve();
}
