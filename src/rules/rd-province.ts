/**
 * 山东省企业研究开发财政补助（省级）— 《山东省企业研究开发财政补助实施办法》: 鲁科字〔2025〕25号 for
 * R&D of the years 2024 on, 鲁科字〔2022〕45号 for 2021–2023 (计划 二（四）1; DOMAIN §10).
 * Packs: src/policy/packs/rd-province-2025.json, rd-province-2022.json (every number with its
 * clause; the yearly rate, the rounding rule, the 中小企业 bound and, for 2022, the cap are
 * provisional). The check kinds and the amount are in rd-subsidy.ts.
 *
 * The clauses as DOMAIN §10 gives them; under each, the pack conditions or parts of the amount
 * rule that encode it. tests/rd/clauses.test.ts keeps these lists and the packs in step.
 */
import { encodes, unencoded } from "./kernel";
import type { RdSchemeRules } from "./rd-subsidy";

export const RD_PROVINCE: RdSchemeRules = {
  scheme: "province",
  documents: [
    {
      pack: "rd-province-2022.json",
      clauses: [
        // 补助对象：高新技术企业或科技型中小企业。
        //   recognized: 高企 by 是 or a certificate valid in the year (认定办法第九条, three years);
        //   科小 by 是 or 科小入库年度 = the year.
        encodes("鲁科字〔2022〕45号 补助对象", "recognized"),

        // 补助条件：享受研发费用加计扣除；销售收入 2 亿元以上的，研发费用占销售收入不低于 4% 且高于上年。
        //   claim; ratio and increase, each only for 销售收入 > 2 亿元 (onlyWhen).
        encodes("鲁科字〔2022〕45号 补助条件", "superDeduction", "intensity", "growth"),

        // 补助标准：2 亿元以上按增加额、以下按当年研发费用，乘以补助比例（集成电路企业 10%）。
        //   base by band; rate and cap not found (provisional stand-ins 5%, 500 万元); rounding provisional.
        encodes("鲁科字〔2022〕45号 补助标准", "subsidy.base", "subsidy.rate", "subsidy.higherRates", "subsidy.rounding", "subsidy.cap"),
        unencoded("鲁科字〔2022〕45号", "比例、上限原文未取得（暂定值）；研发费用口径 KJ 不核对税务数据"),
      ],
    },
    {
      pack: "rd-province-2025.json",
      clauses: [
        // 补助对象：该年度的高新技术企业或科技型中小企业。
        encodes("鲁科字〔2025〕25号 补助对象", "recognized"),

        // 补助条件：享受研发费用加计扣除；年度研发费用 100 万元以上且高于上年；研发费用占销售收入比例：
        // 销售收入 2 亿元以上的不低于 4%，2 亿元以下（含）的不低于 6%.
        //   claim; amount; increase (above 0); ratio banded by 销售收入 (2 亿元 exactly: 6%).
        encodes("鲁科字〔2025〕25号 补助条件", "superDeduction", "rdMin", "growth", "intensity"),
        unencoded("鲁科字〔2025〕25号 补助条件", "KJ 不核对税务数据：台账“研发费用”列须按加计扣除口径填写"),

        // 补助标准：2 亿元以上按较上年增加额、2 亿元以下（含）按当年研发费用，乘以省每年确定的比例
        // （不超过 5%，集成电路企业 10%），取整到万元，不足 1 万元不予补助，每家每年最高 500 万元；
        // 首次认定为高新技术企业的中小企业不少于 10 万元.
        //   base by band; rate (provisional) and higher rate; rounding (provisional); minimum; floor
        //   (the 中小企业 bound provisional); cap.
        encodes("鲁科字〔2025〕25号 补助标准", "subsidy.base", "subsidy.rate", "subsidy.higherRates", "subsidy.rounding", "subsidy.minimum", "subsidy.floor", "subsidy.cap"),
        unencoded("鲁科字〔2025〕25号 补助标准", "补助比例由省每年确定，以当年通知为准（政策包中为暂定值，核定后改 subsidy.rate）"),

        unencoded("计划 二（四）1", "省级、市级补助各自计算，KJ 不做相互扣减"),
      ],
    },
  ],
};
