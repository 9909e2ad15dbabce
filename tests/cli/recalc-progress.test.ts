import { strict as assert } from "assert";
import { progressBar } from "../../src/cli/progress-bar";

describe("progress bar (kj recalc, kj demo)", () => {
  it("draws nothing during the first second, then a bar with percent and stage, and clears it", () => {
    let now = 0;
    const drawn: string[] = [];
    const bar = progressBar((s) => drawn.push(s), () => now);
    bar.update(1, 10, "读取文件");
    assert.deepEqual(drawn, []);
    now = 1500;
    bar.update(5, 10, "计算公式");
    assert.equal(drawn.length, 1);
    assert.match(drawn[0], /^\r\[#{12}-{12}\]  50% 计算公式/);
    now = 1550; // redraws are throttled
    bar.update(6, 10, "计算公式");
    assert.equal(drawn.length, 1);
    bar.done();
    assert.equal(drawn[1], "\r\u001b[K");
  });

});
