import { Io, reportError } from "./common";

/** Runs a command body, turning any thrown error into the shared error output and exit code. */
export async function run(io: Io, json: boolean, body: () => number | Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    process.exitCode = reportError(e, io, json);
  }
}
