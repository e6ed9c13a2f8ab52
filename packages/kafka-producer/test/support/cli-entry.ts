// Runs the CLI from source, as the bin runs it from dist: for test/cli.test.ts and the benchmark.
import { runCli } from "../../src/cli.js";

runCli(process.argv.slice(2));
