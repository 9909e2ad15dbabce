/** What the benchmark scripts share: timing a piece of work, and running a script's main. */

/**
 * Wall and CPU milliseconds of one synchronous run of `fn`. CPU time is the steadier figure on
 * a shared machine, where wall time also measures the neighbours.
 * Example: const { wall, cpu } = timed(() => validateWorkbook(snapshot, { asOf }));
 */
export function timed(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * Runs a script's main with its arguments; its result is the exit code, and a thrown error is
 * printed (message only) with exit code 2.
 * Example: if (require.main === module) runScript(main);
 */
export function runScript(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 2;
    },
  );
}
