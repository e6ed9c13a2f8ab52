// Runs the csp-kit-broker CLI from source, for the benchmark's broker process.
import { runCli } from "@csp-kit/kafka-broker/cli";

runCli(process.argv.slice(2));
