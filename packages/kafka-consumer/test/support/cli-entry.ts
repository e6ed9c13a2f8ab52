// Runs the csp-kit-consume CLI from source (the bin runs the built one).
import { runCli } from "../../src/cli.js";

runCli(process.argv.slice(2));
