/** The SIPREC conformance probe: `probeSrs` (acting as an SRC) and `probeSrc` (acting as an SRS). */
export { probeSrs, srsTarget } from './srs-runner.js';
export { probeSrc, startSrcProbe, type SrcProbeHandle } from './src-runner.js';
export { formatReport, summarize, ProbeResults } from './results.js';
