// Public surface of the Compiler Control Protocol: message schemas, JSONL transport,
// command parsing and hotspot analysis. See docs/ccp.md.

export { acceptCommands } from "./accept-commands.js";
export { commandFromLine, type LineAnswer, readyMessage } from "./answers.js";
export * from "./commands.js";
export { runDaemon, serve } from "./daemon.js";
export * from "./fields.js";
export {
  candidates,
  confidence,
  detectHotspots,
  type EventStats,
  eventStats,
  HOTSPOT_RULES,
  type HotspotDetected,
  type HotspotInput,
  type HotspotOptions,
  type ProgramEventInfo,
  type ProgramInfo,
} from "./hotspots.js";
export { protocolJsonSchema, protocolJsonSchemaText } from "./json-schema.js";
export {
  checkAgainst,
  type JsonlErrorCode,
  type JsonlLine,
  JsonlSplitter,
  JsonlWriter,
  MAX_LINE_BYTES,
  readJsonl,
  type SplitterOptions,
  toJsonLine,
  type WriterOptions,
} from "./jsonl.js";
export * from "./messages.js";
export {
  type DescribeScopesResult,
  describeScopes,
  type EvalFlowInput,
  type EvalFlowResult,
  evalFlow,
  renderVocabulary,
  type ScopeVocabulary,
} from "./operations/eval-flow.js";
export * from "./operations/index.js";
export {
  type CommandError,
  type CommandErrorCode,
  type ParseCommandResult,
  parseCommand,
  recoverId,
} from "./parse-command.js";
export {
  type EdgeStats,
  EdgeStatsRecord,
  ProgramOutputRecord,
  RecorderSummaryRecord,
  RunDoneMessage,
  TransitionRecord,
} from "./records.js";
export { type RunFileOptions, runFileWithCcp } from "./run-file.js";
export { newRunId, type RunMeta, type RunStats, readRunMeta, readRunStats, runDir, runsDir } from "./run-records.js";
export { type RunOptions, type RunResult, runInstrumented as runRecorded } from "./runner.js";
export { errorFor, listEvents as describeEvents, type RunRequest, type Send, Session } from "./session.js";
export { unknownFields } from "./unknown-fields.js";
export { PROTOCOL_VERSION } from "./version.js";
export { commandWriter, messageWriter } from "./writers.js";
