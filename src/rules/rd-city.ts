/**
 * 枣庄市企业研究开发财政补助（市级）— 《枣庄市企业研究开发财政补助实施办法》（枣科字〔2025〕18号),
 * for R&D of the years 2024 on (计划 二（四）1; DOMAIN §10).
 * Pack: src/policy/packs/rd-city-2025.json (every number with its clause; the rounding rule is
 * provisional). The check kinds and the amount are in rd-subsidy.ts.
 *
 * The clauses as DOMAIN §10 gives them (the text's article numbers were not available, so the
 * pack cites them by what they rule); under each, the pack conditions or parts of the amount
 * rule that encode it. tests/rd/clauses.test.ts keeps this list and the pack in step.
 * The 2022–2024 municipal text was not found: no pack, so those years get the no-policy message.
 */
import { encodes, unencoded } from "./kernel";
import type { RdSchemeRules } from "./rd-subsidy";

export const RD_CITY: RdSchemeRules = {
  scheme: "city",
  documents: [
    {
      pack: "rd-city-2025.json",
      clauses: [
        // 补助对象：规模以上工业企业。
        //   A claim (blank or no column = not claimed) — claim.
        encodes("枣科字〔2025〕18号 补助对象", "aboveScale"),

        // 补助条件：当年和上年均享受研发费用加计扣除；年度研发费用 100 万元以上；较上年增长 30% 以上；
        // 研发费用占主营业务收入比例 3.5% 以上。
        //   Two claims — claim; 100 万元 — amount; 30% — increase (exact: 研发费用 ≥ 1.3 × 上年);
        //   3.5% — ratio over 销售收入 (read also as 主营业务收入).
        encodes("枣科字〔2025〕18号 补助条件", "superDeduction", "prevSuperDeduction", "rdMin", "growth", "intensity"),
        // 研发费用按加计扣除口径 (the ledger's 研发费用 must be written that way).
        unencoded("枣科字〔2025〕18号 补助条件", "KJ 不核对税务数据：台账“研发费用”列须按加计扣除口径填写"),

        // 补助标准：按研发费用较上年增加额的 10% 给予补助，取整到万元，每家企业最高 200 万元。
        //   base (increase), rate 10%, rounding (half up: provisional), cap 200.
        encodes("枣科字〔2025〕18号 补助标准", "subsidy.base", "subsidy.rate", "subsidy.rounding", "subsidy.cap"),

        // 计划 二（四）1: the district applies both the provincial and the municipal rules.
        unencoded("计划 二（四）1", "省级、市级补助各自计算，KJ 不做相互扣减"),
      ],
    },
  ],
};
