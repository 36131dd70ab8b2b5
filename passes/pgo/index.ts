// Profile-guided builds: `koruc build --pgo <run-id>`, the compile operation's `pgo` option.

export { PGO_PASS, pgoInsertion, pgoPass } from "./pass.js";
export { COLD_SHARE, LIKELY_SHARE, planSwitch } from "./plan.js";
export { type EdgeCounts, edgeCounts, type ProfileResult, readEdgeCounts } from "./profile.js";
