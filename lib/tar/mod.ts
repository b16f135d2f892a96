/**
 * Reading tar archives (POSIX ustar, pax and GNU long names) as a stream, entry by entry: what
 * sdists are made of. Checks are the caller's (paths, links, sizes); corrupt headers are a
 * `DistributionError`.
 *
 * @module
 */
export * from "./tar_reader.ts";
