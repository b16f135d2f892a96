/**
 * The HTTP status of an API response from its command's exit code (spec 001 "Codes de sortie").
 *
 * @module
 */

/**
 * `0` → 200; `2` (usage) → 400; `3` (environment not found) and `4` (package not found) → 404;
 * `5` (network) → 502; `130`/`143` (interrupted) → 503; everything else (`1` general, `10` config,
 * `20` backend, `30` cache, unknown) → 500. The body is the command's envelope in every case.
 */
export function httpStatusOf(exitCode: number): number {
  switch (exitCode) {
    case 0:
      return 200;
    case 2:
      return 400;
    case 3:
    case 4:
      return 404;
    case 5:
      return 502;
    case 130:
    case 143:
      return 503;
    default:
      return 500;
  }
}
