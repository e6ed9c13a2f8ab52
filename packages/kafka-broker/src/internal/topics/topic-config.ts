/**
 * Topic names and topic configs as a single broker honours them: Kafka's
 * name rule, and the topic-level configs of CreateTopics that change what a
 * partition log does (retention, segment size, message size), checked and
 * turned into the log's options.
 *
 * A config either has an effect here, or is one whose only meaningful value
 * on one broker is accepted (`cleanup.policy=delete`,
 * `min.insync.replicas`), or is refused with INVALID_CONFIG and a message
 * that says why: the broker never accepts a setting it would then ignore.
 *
 * Invariants: `topicLogSettings` is pure (the same defaults and configs give
 * the same settings), so a topic reopened from the metadata file gets the
 * settings it was created with.
 */

import { UNLIMITED } from "../log/log-config.js";

/** Kafka's longest topic name (249: a partition directory name must fit 255 bytes). */
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal topic name, or undefined when it is (Kafka's `Topic.validate`). */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "a topic name cannot be empty";
  if (name === "." || name === "..") return `a topic cannot be named "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH)
    return `a topic name is at most ${MAX_TOPIC_NAME_LENGTH} characters (this one has ${name.length})`;
  if (!LEGAL.test(name))
    return `topic name "${name}" is illegal: it may contain only ASCII letters, digits, '.', '_' and '-'`;
  return undefined;
}

/** The log settings of one topic, from the broker's defaults and the topic's configs. */
export interface TopicLogSettings {
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly maxMessageBytes: number;
}

type Apply = (
  value: string,
  settings: { -readonly [K in keyof TopicLogSettings]: TopicLogSettings[K] },
) => string | undefined;

function integerIn(value: string, min: number): number | undefined {
  if (!/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

/** Applies `value` of one config to `settings`, or says why it cannot. */
const CONFIGS: Readonly<Record<string, Apply>> = {
  "retention.ms": (v, s) => {
    const n = integerIn(v, -1);
    if (n === undefined) return "must be -1 (keep forever) or a number of milliseconds";
    s.retentionMs = n === -1 ? UNLIMITED : n;
    return undefined;
  },
  "retention.bytes": (v, s) => {
    const n = integerIn(v, -1);
    if (n === undefined) return "must be -1 (no limit) or a number of bytes";
    s.retentionBytes = n === -1 ? UNLIMITED : n;
    return undefined;
  },
  "segment.bytes": (v, s) => {
    const n = integerIn(v, 14);
    if (n === undefined || n > 2_147_483_647) return "must be a number of bytes from 14 to 2147483647";
    s.segmentBytes = n;
    return undefined;
  },
  "max.message.bytes": (v, s) => {
    const n = integerIn(v, 61);
    if (n === undefined || n > 2_147_483_647) return "must be a number of bytes from 61 to 2147483647";
    s.maxMessageBytes = n;
    return undefined;
  },
  "cleanup.policy": (v) => (v === "delete" ? undefined : "only delete is supported (this broker does not compact)"),
  "compression.type": (v) =>
    v === "producer" ? undefined : "only producer is supported (batches are stored as they arrive, never recompressed)",
  "message.timestamp.type": (v) =>
    v === "CreateTime" ? undefined : "only CreateTime is supported (batches are stored as they arrive)",
  // One broker, one replica: any valid setting means the same thing.
  "min.insync.replicas": (v) => (integerIn(v, 1) === undefined ? "must be a positive integer" : undefined),
  "unclean.leader.election.enable": (v) => (v === "true" || v === "false" ? undefined : "must be true or false"),
};

/** The outcome of {@link topicLogSettings}. */
export type TopicSettingsResult =
  | { readonly ok: true; readonly settings: TopicLogSettings }
  | { readonly ok: false; readonly message: string };

/**
 * The log settings a topic with `configs` gets: the broker's `defaults`,
 * overridden by each config. A null value keeps the default.
 */
export function topicLogSettings(
  defaults: TopicLogSettings,
  configs: Readonly<Record<string, string | null>>,
): TopicSettingsResult {
  const settings = { ...defaults };
  for (const [name, value] of Object.entries(configs)) {
    const apply = CONFIGS[name];
    if (apply === undefined)
      return { ok: false, message: `unknown or unsupported topic config ${name}; supported: ${SUPPORTED}` };
    if (value === null) continue;
    const problem = apply(value, settings);
    if (problem !== undefined) return { ok: false, message: `topic config ${name}=${value}: ${problem}` };
  }
  return { ok: true, settings };
}

const SUPPORTED = Object.keys(CONFIGS).join(", ");
