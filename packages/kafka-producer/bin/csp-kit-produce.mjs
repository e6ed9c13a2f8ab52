#!/usr/bin/env node
// The csp-kit-produce command (see src/cli.ts): the built CLI, run on this process.
import { runCli } from "../dist/cli.js";

runCli(process.argv.slice(2));
