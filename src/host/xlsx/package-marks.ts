/**
 * kj check's marks (fill + KJ note, the `mark` and `clearMarks` edits of the validate job) at the
 * level of the .xlsx package: the general package writer (./package-edits.ts), refusing any
 * other edit so a caller that only expects marks never writes more.
 */
import { Edit, ProgressFn } from "../port";
import { PackageNotHandled } from "./ooxml";
import { editXlsxPackage, PackageEdits } from "./package-edits";

export type PackageMarks = PackageEdits;

/** Writes only `mark` and `clearMarks` edits (anything else throws PackageNotHandled); see editXlsxPackage. */
export async function markXlsxPackage(bytes: Buffer, edits: readonly Edit[], opts: { progress?: ProgressFn } = {}): Promise<PackageMarks> {
  for (const e of edits) if (e.type !== "mark" && e.type !== "clearMarks") throw new PackageNotHandled(`edit ${e.type}`);
  return editXlsxPackage(bytes, edits, opts);
}
