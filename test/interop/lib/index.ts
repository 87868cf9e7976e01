/**
 * The interop harness: third-party SIP peers (SIPp, Kamailio) started on loopback, bounded in
 * calls and time, stopped by pid. Used by test/interop/** and bench/**.
 */
export { hasTool, requireTool, requireKamailioModules, toolPath, kamailioModuleDir, missingToolMessage, type ToolName, type FailingTest } from './tools.js';
export { startKamailio, type KamailioInstance, type StartKamailioOptions } from './kamailio.js';
export {
  runSipp,
  startSipp,
  describeSipp,
  sippArgs,
  type SippOptions,
  type SippResult,
  type SippRun,
  type SippTarget,
  type SippTransport,
} from './sipp.js';
export { parseSippCsv, parseSippScreen, parseSippDuration, type SippStats } from './sipp-stats.js';
export { freePort, freePorts, hasIpv6Loopback, LOOPBACK } from './ports.js';
export { probeSip, buildOptions } from './sip-probe.js';
export { renderTemplate, templatePlaceholders, type TemplateVars } from './template.js';
export { createDbText, PRESENCE_TABLES } from './dbtext.js';
export { ManagedProcess, Tail } from './child.js';
export { isListening, waitListening } from './listening.js';
