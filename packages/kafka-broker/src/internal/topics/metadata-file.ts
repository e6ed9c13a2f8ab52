/**
 * What a durable broker keeps beside its partition directories: the cluster
 * id, the topics (name, id, partition count, configs) and the end of the
 * last block of producer ids handed out. One small JSON file,
 * `broker-metadata.json` in the data directory, rewritten whole through a
 * temporary file and a rename, so a crash leaves the old file or the new
 * one, never half of either.
 *
 * Layout of the data directory (partition directories as Kafka names them):
 *   broker-metadata.json       this file
 *   <topic>-<partition>/       one SegmentStore per partition
 *
 * Invariants:
 * - the file names every topic whose partition directories the broker
 *   opens; a directory it does not name is a leftover (of a deletion cut
 *   short) and is removed before a topic of that name is created again;
 * - `producerIdBlockEnd` only grows: ids below it may have been given out.
 */

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The file's name in the data directory. */
export const METADATA_FILE = "broker-metadata.json";
const FORMAT = 1;

/** One topic as the file records it. */
export interface TopicRecord {
  readonly name: string;
  /** The topic id as Kafka prints it (URL-safe base64 of 16 bytes). */
  readonly id: string;
  readonly partitions: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** The whole file. */
export interface BrokerMetadata {
  readonly clusterId: string;
  readonly producerIdBlockEnd: number;
  readonly topics: readonly TopicRecord[];
}

/** Why the metadata file could not be read: it exists but is not what this broker wrote. */
export class MetadataFileError extends Error {
  override name = "MetadataFileError";
}

function isTopicRecord(t: unknown): t is TopicRecord {
  if (typeof t !== "object" || t === null) return false;
  const r = t as Record<string, unknown>;
  return (
    typeof r.name === "string" &&
    typeof r.id === "string" &&
    typeof r.partitions === "number" &&
    Number.isSafeInteger(r.partitions) &&
    r.partitions >= 1 &&
    typeof r.configs === "object" &&
    r.configs !== null &&
    Object.values(r.configs).every((v) => typeof v === "string")
  );
}

/**
 * Reads the file in `dataDir` (created if missing), or undefined when there
 * is none yet.
 *
 * @throws MetadataFileError - the file is not valid JSON of this format.
 */
export function readMetadata(dataDir: string): BrokerMetadata | undefined {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, METADATA_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MetadataFileError(`${path} is not valid JSON; restore it or move the data directory aside`, {
      cause: error,
    });
  }
  const m = parsed as Record<string, unknown>;
  if (
    typeof m !== "object" ||
    m === null ||
    m.format !== FORMAT ||
    typeof m.clusterId !== "string" ||
    typeof m.producerIdBlockEnd !== "number" ||
    !Array.isArray(m.topics) ||
    !m.topics.every(isTopicRecord)
  )
    throw new MetadataFileError(
      `${path} is not a broker metadata file of format ${FORMAT}; restore it or move the data directory aside`,
    );
  return { clusterId: m.clusterId, producerIdBlockEnd: m.producerIdBlockEnd, topics: m.topics };
}

/** Replaces the file in `dataDir` with `metadata`, atomically (temporary file, fsync, rename). */
export function writeMetadata(dataDir: string, metadata: BrokerMetadata): void {
  const path = join(dataDir, METADATA_FILE);
  const tmp = `${path}.tmp`;
  const text = `${JSON.stringify({ format: FORMAT, ...metadata }, null, 2)}\n`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
