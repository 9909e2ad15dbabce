/**
 * HyperFormula: 50,000 rows of =KJ.AWARD(...) against the same amounts written as native
 * IF/MIN formulas, built and evaluated side by side in one run. Goal: time ratio KJ/native <= 1.0.
 * Run: npx tsx bench/hyperformula.bench.ts [rows]
 */
import { DetailedCellError, HyperFormula } from "hyperformula";
import { dayFromParts, excelSerialFromDay } from "../src/dates";
import { buildKjEngine, kjEngineConfig } from "../src/host/xlsx/hyperformula";
import { AwardItem } from "../src/policy/schema";
import { PLAN_PACKS } from "../src/policy/plans";

export interface HyperformulaBenchResult {
  rows: number;
  /** Median over the rounds, milliseconds: build + full evaluation. */
  kjMs: number;
  nativeMs: number;
  /** kjMs / nativeMs; goal <= 1.0. */
  ratio: number;
  rounds: number;
  /** Every KJ result equals its native twin. */
  sameResults: boolean;
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The native formula giving the same amount as the pack's rule for one item: no KJ function. */
function nativeAmount(item: AwardItem, basisRef: string): string {
  const r = item.rule;
  if (r.type === "fixed") return String(r.amount);
  if (r.type === "capped") return `MIN(${basisRef},${r.cap})`;
  return `${basisRef}*${r.rate}`;
}

/** Rows of [item, basis, date serial] over one fixed, one capped and one rate item of the current plan. */
function benchRows(n: number): { rows: unknown[][]; items: AwardItem[]; from: number; to: number } {
  const plan = PLAN_PACKS[PLAN_PACKS.length - 1];
  const pick = (type: string) => plan.pack.awards.find((a) => a.rule.type === type) as AwardItem;
  const items = [pick("fixed"), pick("capped"), pick("rate")].filter(Boolean);
  const rnd = seeded(42);
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const item = items[i % items.length];
    const day = plan.from + Math.floor(rnd() * (plan.to - plan.from + 1));
    rows.push([item.name, Math.round(rnd() * 30000) / 100, excelSerialFromDay(day)]);
  }
  return { rows, items, from: excelSerialFromDay(plan.from), to: excelSerialFromDay(plan.to) };
}

function kjSheet(rows: unknown[][]): unknown[][] {
  return rows.map((r, i) => [...r, `=KJ.AWARD(A${i + 1},B${i + 1},C${i + 1})`]);
}

function nativeSheet(rows: unknown[][], items: AwardItem[], from: number, to: number): unknown[][] {
  return rows.map((r, i) => {
    const n = i + 1;
    let chain = "NA()";
    for (const item of [...items].reverse()) chain = `IF(A${n}="${item.name}",${nativeAmount(item, `B${n}`)},${chain})`;
    return [...r, `=IF(AND(C${n}>=${from},C${n}<=${to}),${chain},NA())`];
  });
}

function timed(build: () => HyperFormula): { ms: number; values: unknown[] } {
  const t0 = process.hrtime.bigint();
  const hf = build();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const values = hf.getSheetValues(0).map((r) => r[3]);
  hf.destroy();
  return { ms, values };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the comparison; rounds alternate native and KJ so both see the same machine state. */
export function benchHyperformula(rows = 50_000, rounds = 3): HyperformulaBenchResult {
  const { rows: data, items, from, to } = benchRows(rows);
  const today = dayFromParts(2024, 12, 31) as number;
  const kj = kjSheet(data);
  const native = nativeSheet(data, items, from, to);
  const config = kjEngineConfig(today);
  // One warm-up of each (JIT, function registration).
  timed(() => buildKjEngine({ S: kj.slice(0, 2000) }, today));
  timed(() => HyperFormula.buildFromSheets({ S: native.slice(0, 2000) } as never, config));
  const kjTimes: number[] = [];
  const nativeTimes: number[] = [];
  let sameResults = true;
  for (let i = 0; i < rounds; i++) {
    const n = timed(() => HyperFormula.buildFromSheets({ S: native } as never, config));
    const k = timed(() => buildKjEngine({ S: kj }, today));
    nativeTimes.push(n.ms);
    kjTimes.push(k.ms);
    if (i === 0) {
      for (let r = 0; r < rows; r++) {
        const a = k.values[r];
        const b = n.values[r];
        const same = a instanceof DetailedCellError || b instanceof DetailedCellError ? String(a) === String(b) : Math.abs(Number(a) - Number(b)) < 1e-9;
        if (!same) {
          sameResults = false;
          break;
        }
      }
    }
  }
  const kjMs = median(kjTimes);
  const nativeMs = median(nativeTimes);
  return { rows, kjMs, nativeMs, ratio: kjMs / nativeMs, rounds, sameResults };
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 50_000);
  const r = benchHyperformula(rows);
  console.log(`HyperFormula，${r.rows} 行：KJ.AWARD ${r.kjMs.toFixed(0)} ms，原生 IF/MIN ${r.nativeMs.toFixed(0)} ms，比值 ${r.ratio.toFixed(2)}（目标 ≤ 1.0），结果一致：${r.sameResults ? "是" : "否"}`);
}
