// The shared build of every @csp-kit package: see scripts/pack/tsup-preset.ts.
import { cspKitBuild } from "../../scripts/pack/tsup-preset.js";

export default cspKitBuild();
