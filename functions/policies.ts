/**
 * The policy packs the Excel custom functions compute with: the built-in packs plus those stored in
 * the open workbook (its very hidden KJ政策 sheet). Excel runs the functions and the task pane in one
 * shared runtime, so this module is where the two meet: the pane's start-up (and its 政策 page after
 * loading or removing a pack) reads the stored packs through the host and sets them here, then asks
 * Excel to recalculate. This is host state; the core never holds a registry of its own.
 */
import { SpreadsheetHost } from "../src/host/port";
import { POLICY_SHEET } from "../src/ledger/catalogue";
import { BUILTIN_POLICIES, buildRegistry, PolicyRegistry } from "../src/policy/registry";
import { storedPacks } from "../src/policy/stored";
import { isKjError } from "../src/errors";

let current: PolicyRegistry = BUILTIN_POLICIES;

/** The registry the functions use now. */
export function workbookPolicies(): PolicyRegistry {
  return current;
}

/** Makes `registry` the one the functions use (the pane calls it after storing or removing a pack). */
export function setWorkbookPolicies(registry: PolicyRegistry): void {
  current = registry;
}

/** What reading the workbook's packs gave: the registry, and why a stored pack was left out. */
export interface WorkbookPolicies {
  registry: PolicyRegistry;
  /** Chinese, one per stored pack that could not be used. */
  problems: string[];
  /** How many stored packs are in use. */
  stored: number;
}

/**
 * Reads the packs stored in the host's workbook. A broken stored pack is left out (its problem
 * returned) so the other packs and the functions keep working; overlapping stored packs fall back
 * to the built-in packs with the overlap as the problem.
 */
export async function readWorkbookPolicies(host: SpreadsheetHost, workbookName = ""): Promise<WorkbookPolicies> {
  const names = await host.listSheets();
  if (!names.includes(POLICY_SHEET)) return { registry: BUILTIN_POLICIES, problems: [], stored: 0 };
  const sheet = await host.readSheet(POLICY_SHEET);
  const { packs, problems } = storedPacks({ sheets: [sheet] }, workbookName, true);
  try {
    return { registry: buildRegistry(packs), problems, stored: packs.length };
  } catch (e) {
    if (!isKjError(e)) throw e;
    return { registry: BUILTIN_POLICIES, problems: [...problems, e.message], stored: 0 };
  }
}

/**
 * At start-up in Excel: reads the workbook's stored packs, makes them the functions' registry and,
 * when there are any, recalculates so cells computed before they were read are computed again.
 */
export async function loadWorkbookPolicies(host: SpreadsheetHost, workbookName = ""): Promise<WorkbookPolicies> {
  const found = await readWorkbookPolicies(host, workbookName);
  const before = current;
  setWorkbookPolicies(found.registry);
  if (found.registry !== before && found.stored > 0 && host.recalculate) await host.recalculate();
  return found;
}
