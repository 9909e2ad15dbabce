/**
 * Every total `kj awards --out` caches in 奖励汇总 is the exact decimal result (issue 14.4), on a
 * large award ledger whose binary sums leave a residue (bench/jobs-xlsx.ts RESIDUE_AWARD_MIX: before
 * the summary rounded its amounts, 合计 - 已拨付 - 待拨付 was cached as -3.09e-08 on these 2,000 rows).
 * The expected totals are summed here in Decimal from the generator's rows, not read from KJ.
 */
import { strict as assert } from "assert";
import Decimal from "decimal.js";
import ExcelJS from "exceljs";
import * as path from "path";
import { awardLedgerRow, RESIDUE_AWARD_MIX } from "../../bench/jobs-xlsx";
import { dayFromDate, DayNumber } from "../../src/dates";
import { isKjError } from "../../src/errors";
import { AWARD_SUMMARY_SHEET, UNKNOWN_ITEM, UNFILLED_STATUS } from "../../src/jobs/awards";
import { computeAward, findAwardItem, PLAN_PACKS } from "../../src/policy/plans";
import { LARGE_AWARD_ROWS, sharedCliOutputs } from "../lo/outputs";

interface Expected {
  count: number;
  amount: Decimal;
  paid: Decimal;
  pending: Decimal;
}

const zero = (): Expected => ({ count: 0, amount: new Decimal(0), paid: new Decimal(0), pending: new Decimal(0) });

/** The summary's rows as the decimal results they must show, keyed by their label in column A. */
function expectedSummary(): Map<string, Expected> {
  const plan = PLAN_PACKS[PLAN_PACKS.length - 1];
  const rows = new Map<string, Expected>();
  const add = (label: string, amount: Decimal | null, status: string) => {
    const e = rows.get(label) ?? zero();
    e.count++;
    if (amount) {
      e.amount = e.amount.plus(amount);
      if (status === "已拨付") e.paid = e.paid.plus(amount);
      if (status === "待拨付") e.pending = e.pending.plus(amount);
    }
    rows.set(label, e);
  };
  for (let i = 0; i < LARGE_AWARD_ROWS; i++) {
    const r = awardLedgerRow(i, RESIDUE_AWARD_MIX);
    const date = dayFromDate(r.date) as DayNumber;
    let amount: Decimal | null = null;
    let itemName = `其他（${UNKNOWN_ITEM}或写法不同）`;
    try {
      amount = computeAward({ item: r.item, basis: r.basis, date }).amount;
      itemName = findAwardItem(r.item, plan).name;
    } catch (e) {
      if (!isKjError(e)) throw e;
    }
    add(`${r.date.getUTCFullYear()}年`, amount, r.status);
    add("合计（全部行）", amount, r.status);
    add(itemName, amount, r.status);
    add(r.status, amount, r.status);
  }
  for (const item of plan.pack.awards) if (!rows.has(item.name)) rows.set(item.name, zero());
  const total = rows.get("合计（全部行）")!;
  const paid = rows.get("已拨付")!;
  const pending = rows.get("待拨付")!;
  // What is neither 已拨付 nor 待拨付: nothing here, so exactly 0.
  rows.set(`${UNFILLED_STATUS}或其他`, { count: total.count - paid.count - pending.count, amount: total.amount.minus(paid.amount).minus(pending.amount), paid: new Decimal(0), pending: new Decimal(0) });
  return rows;
}

describe("kj awards --out on a large award ledger: every cached total is the exact decimal result", function () {
  this.timeout(600_000);

  it(`caches in 奖励汇总 exactly the decimal totals of ${LARGE_AWARD_ROWS} rows, and exactly 0 for 未填写或其他`, async () => {
    const { dir } = await sharedCliOutputs(["awards-large.xlsx"]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, "awards-large.xlsx"));
    const ws = wb.getWorksheet(AWARD_SUMMARY_SHEET);
    assert.ok(ws, "no 奖励汇总 sheet");
    const expected = expectedSummary();
    const statusSection = new Set(["已拨付", "待拨付", `${UNFILLED_STATUS}或其他`]);
    let formulas = 0;
    let compared = 0;
    const wrong: string[] = [];
    ws.eachRow((row) => {
      const label = String(row.getCell(1).value ?? "");
      row.eachCell((cell, col) => {
        if (!cell.formula) return;
        formulas++;
        const e = expected.get(label);
        if (!e) return wrong.push(`${cell.address} (${label}) has a formula but no expected value`);
        const want = col === 2 ? e.count : col === 3 ? e.amount.toNumber() : statusSection.has(label) ? null : col === 4 ? e.paid.toNumber() : e.pending.toNumber();
        compared++;
        // Exactly: the same double as the decimal result, so 0 is 0 and not 8.44e-08.
        if (cell.result !== want) wrong.push(`${cell.address} (${label}) =${cell.formula.slice(0, 50)}…: cached ${String(cell.result)}, decimal ${String(want)}`);
      });
    });
    assert.deepEqual(wrong, []);
    assert.equal(compared, formulas);
    assert.ok(formulas >= 50, `only ${formulas} formulas in the summary`);
    const other = expected.get(`${UNFILLED_STATUS}或其他`)!;
    assert.ok(other.amount.isZero() && expected.get("合计（全部行）")!.amount.gt(500_000), "the ledger is the one whose binary sums leave a residue");
  });
});
