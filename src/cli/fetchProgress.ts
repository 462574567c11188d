import { duration, type FetchEvent } from "../fetch/fetchText.js";

/**
 * Progress of outside requests as lines on stderr, so that a slow or failing
 * source is never silent: what is being fetched, each retry and its wait, and
 * how each request ended.
 */
export function fetchProgress(
  write: (line: string) => void = (line) => process.stderr.write(`paperbot: ${line}\n`),
): (event: FetchEvent) => void {
  return (event) => {
    const name = event.label === event.url ? event.url : event.label;
    switch (event.kind) {
      case "start":
        write(`fetching ${event.label === event.url ? event.url : `${event.label} (${event.url})`} …`);
        return;
      case "retry":
        write(
          `${name}: ${event.reason}; trying again${event.waitMs === undefined ? "" : ` in ${duration(event.waitMs)}, as the server asked`}`,
        );
        return;
      case "done":
        write(`${name}: ${kilobytes(event.bytes)} in ${duration(event.ms)}`);
        return;
      case "failed":
        write(`${name}: failed after ${duration(event.ms)}: ${event.reason}`);
        return;
    }
  };
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${Math.round(bytes / 1024).toLocaleString("en-US")} KB`;
}
