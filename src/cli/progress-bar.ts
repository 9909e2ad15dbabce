/**
 * A one-line progress bar on the terminal for work that takes more than a second. It draws only
 * when given a writer (the CLI passes one when stderr is a terminal), so pipes, logs and tests
 * never see it.
 */
import { ProgressFn } from "../host/port";

export interface ProgressBar {
  /** Feed this to long-running work. */
  update: ProgressFn;
  /** Clears the bar line (if one was drawn). */
  done(): void;
}

const WIDTH = 24;
const DELAY_MS = 1000;
const REDRAW_MS = 100;

/**
 * Example: const bar = progressBar(io.isTTY ? (s) => process.stderr.write(s) : null);
 *          await work(bar.update); bar.done();
 */
export function progressBar(write: ((s: string) => void) | null, now: () => number = Date.now): ProgressBar {
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total, stage) {
      if (!write) return;
      const t = now();
      if (t - started < DELAY_MS || t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
      const filled = Math.round(ratio * WIDTH);
      const percent = total > 0 ? `${Math.floor(ratio * 100)}%`.padStart(4) : "    ";
      write(`\r[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${percent} ${stage}\u001b[K`);
      drawn = true;
    },
    done() {
      if (write && drawn) write("\r\u001b[K");
      drawn = false;
    },
  };
}
