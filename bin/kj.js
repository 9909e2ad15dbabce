#!/usr/bin/env node
// The kj command. TypeScript sources run through tsx, so an install needs no build step.
require("tsx/cjs");
require("../src/cli/main.ts")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
