/// <reference lib="dom" />
/**
 * A table with sortable columns: each header is a button (keyboard usable), the sorted column
 * carries `aria-sort`, and the direction is also said in words (readable without colors).
 *
 * @module
 */
import { type Child, h, replace } from "./dom.ts";
import { compareValues } from "./sort.ts";

/** One column of a {@linkcode SortableTable}. */
export interface Column<T> {
  /** The header text. */
  label: string;
  /** The cell's contents. */
  cell: (row: T) => Child;
  /** What the column sorts by (no sorting without it). */
  sortValue?: (row: T) => string | number | null;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** The sort values are versions (`3.10` after `3.9`): see `compareVersions` in `sort.ts`. */
  version?: boolean;
}

/** A rendered table; `refresh()` redraws it after its rows changed. */
export interface SortableTable<T> {
  element: HTMLTableElement;
  rows: T[];
  refresh(): void;
}

/** Builds a table of `rows`, sorted by column `sortBy` (index) at first. */
export function sortableTable<T>(
  caption: string,
  columns: Column<T>[],
  rows: T[],
  options: { sortBy?: number; descending?: boolean; rowKey?: (row: T) => string } = {},
): SortableTable<T> {
  let sortBy = options.sortBy ?? 0;
  let descending = options.descending ?? false;
  const thead = h("thead");
  const tbody = h("tbody");
  const table = h("table", { class: "data" }, h("caption", {}, caption), thead, tbody);
  const result: SortableTable<T> = { element: table, rows, refresh: () => {} };
  const draw = () => {
    const headers = columns.map((column, i) => {
      const sorted = i === sortBy && column.sortValue !== undefined;
      const label = column.sortValue === undefined ? column.label : h(
        "button",
        {
          type: "button",
          class: "sort",
          onclick: () => {
            if (sortBy === i) descending = !descending;
            else {
              sortBy = i;
              descending = false;
            }
            draw();
          },
        },
        column.label,
        sorted
          ? h("span", { class: "dir" }, descending ? " ▼ (descending)" : " ▲ (ascending)")
          : null,
      );
      return h("th", {
        scope: "col",
        class: column.numeric ? "num" : null,
        "aria-sort": sorted ? (descending ? "descending" : "ascending") : null,
      }, label);
    });
    replace(thead, h("tr", {}, headers));
    const column = columns[sortBy];
    const ordered = [...result.rows];
    if (column?.sortValue !== undefined) {
      const value = column.sortValue;
      const version = column.version === true;
      ordered.sort((a, b) => compareValues(value(a), value(b), version) * (descending ? -1 : 1));
    }
    replace(
      tbody,
      ordered.length === 0
        ? h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, "Nothing to show"))
        : ordered.map((row) =>
          h(
            "tr",
            { "data-key": options.rowKey?.(row) ?? null },
            columns.map((c) => h("td", { class: c.numeric ? "num" : null }, c.cell(row))),
          )
        ),
    );
  };
  result.refresh = draw;
  draw();
  return result;
}
