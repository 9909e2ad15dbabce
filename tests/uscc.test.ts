/**
 * 统一社会信用代码 (GB 32100-2015): the check in src/uscc.ts, the shared core fxUscc and the
 * Excel KJ.USCC wrapper agree on valid codes, wrong check characters, forbidden letters,
 * wrong lengths, lower case and full-width input.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { fxUscc } from "../src/fx/award";
import { checkUscc, isValidUscc, USCC_ALPHABET, usccCheckChar, withCheckChar } from "../src/uscc";
import { installCustomFunctionsStub } from "./support/custom-functions-stub";
import * as excel from "../functions/functions";

installCustomFunctionsStub();

/** The three ways a cell's code reaches the check; all must say the same. */
function verdicts(code: unknown): boolean[] {
  return [typeof code === "string" ? isValidUscc(code) : false, fxUscc(code), excel.uscc(code)];
}

const VALID = ["91350100M000100Y43", "91110000600037341L"];

function toFullWidth(s: string): string {
  return [...s].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join("");
}

describe("统一社会信用代码 (KJ.USCC)", () => {
  it("accepts the published examples", () => {
    for (const code of VALID) assert.deepEqual(verdicts(code), [true, true, true], code);
  });

  it("computes their check characters with weights 3^(i-1) mod 31", () => {
    assert.equal(usccCheckChar("91350100M000100Y4"), "3");
    assert.equal(usccCheckChar("91110000600037341"), "L");
  });

  it("accepts generated codes for 薛城区 (370403) and elsewhere", () => {
    for (const body of ["91370403MA3C01111", "12370403004939218", "52370403MJD654321"]) {
      const code = withCheckChar(body);
      assert.deepEqual(verdicts(code), [true, true, true], code);
      assert.equal(checkUscc(code).division, code.slice(2, 8));
    }
  });

  it("accepts every generated code and rejects every other check character (property)", () => {
    const ch = fc.constantFrom(...USCC_ALPHABET.split(""));
    fc.assert(
      fc.property(fc.array(ch, { minLength: 17, maxLength: 17 }), ch, (chars, other) => {
        const code = withCheckChar(chars.join(""));
        assert.equal(fxUscc(code), true);
        if (other !== code[17]) assert.equal(fxUscc(code.slice(0, 17) + other), false);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects a wrong check character and says which one is expected", () => {
    const code = "91350100M000100Y44";
    assert.deepEqual(verdicts(code), [false, false, false]);
    assert.match(checkUscc(code).reason!, /第 18 位应为“3”/);
  });

  it("rejects a single mistyped character (the check character catches it)", () => {
    const code = "91350100M000100Y43".replace("M000", "M001");
    assert.deepEqual(verdicts(code), [false, false, false]);
  });

  it("rejects the forbidden letters I, O, S, V and Z", () => {
    for (const letter of "IOSVZ") {
      const code = "91350100" + letter + "000100Y43";
      assert.deepEqual(verdicts(code), [false, false, false], code);
      assert.match(checkUscc(code).reason!, /不使用字母 I、O、S、V、Z/);
    }
  });

  it("rejects wrong lengths, naming the length", () => {
    for (const code of ["91350100M000100Y4", "91350100M000100Y433", "", "9"]) {
      assert.deepEqual(verdicts(code), [false, false, false], JSON.stringify(code));
    }
    assert.match(checkUscc("91350100M000100Y4").reason!, /18 位.*17 位/);
  });

  it("accepts lower case, full-width characters and surrounding spaces after normalisation", () => {
    assert.deepEqual(verdicts("91350100m000100y43"), [true, true, true]);
    assert.deepEqual(verdicts(toFullWidth("91350100M000100Y43")), [true, true, true]);
    assert.deepEqual(verdicts(toFullWidth("91110000600037341l")), [true, true, true]);
    assert.deepEqual(verdicts("  91350100M000100Y43\u3000"), [true, true, true]);
  });

  it("gives FALSE, not an error, for blank cells, numbers and logical values", () => {
    assert.equal(fxUscc(null), false);
    assert.equal(fxUscc(""), false);
    assert.equal(fxUscc(undefined), false);
    assert.equal(fxUscc(91350100), false);
    assert.equal(fxUscc(true), false);
    assert.equal(excel.uscc(null), false);
  });

  it("reads a single-cell range as its value", () => {
    assert.equal(fxUscc([["91350100M000100Y43"]]), true);
    assert.equal(excel.uscc([["91350100M000100Y44"]]), false);
  });
});
