// Reads an input file once in Node: content fingerprint, line count and blank-line positions, so DuckDB can
// parse the file itself while every record still maps back to its line. Decompresses .gz to a temp file.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";

export type SourceFormat = "jsonl" | "json";

export interface ScannedFile {
  /** The path the user gave (what quarantine and summaries name). */
  path: string;
  /** The plain-text file to parse: the original, or a decompressed temp copy for .gz. */
  readPath: string;
  format: SourceFormat;
  sizeBytes: number;
  sha256: string;
  lines: number;
  /** 1-based numbers of lines that hold only white space; DuckDB skips them, so record n ≠ line n after one. */
  blankLines: number[];
  startsWithBom: boolean;
  /** False when the last line has no line end: a writer may have been cut off mid-line. */
  endsWithNewline: boolean;
  /** Byte offset where each line starts (index 0 = line 1), so a few lines can be read back without a rescan. */
  lineStarts: Float64Array;
  cleanup(): void;
}

const INPUT_EXTENSIONS = [".jsonl", ".ndjson", ".json", ".log"];

export function formatOf(file: string): SourceFormat | undefined {
  const base = file.toLowerCase().replace(/\.gz$/, "");
  if (base.endsWith(".json")) return "json";
  if (base.endsWith(".jsonl") || base.endsWith(".ndjson") || base.endsWith(".log")) return "jsonl";
  if (file.toLowerCase().endsWith(".gz")) return "jsonl";
  return undefined;
}

/** Expands files and folders (recursively) into the input files to read, sorted for a stable order. */
export function expandInputs(inputs: string[]): { files: string[]; problems: string[] } {
  const files: string[] = [];
  const problems: string[] = [];
  const walk = (p: string, explicit: boolean) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      problems.push(`${p}: no such file or folder`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (name.startsWith(".")) continue;
        walk(path.join(p, name), false);
      }
    } else if (formatOf(p)) {
      files.push(path.resolve(p));
    } else if (explicit) {
      problems.push(`${p}: not a supported input (use .jsonl, .ndjson, .json, .log, or any of them .gz)`);
    }
  };
  for (const input of inputs) walk(input, true);
  void INPUT_EXTENSIONS;
  return { files: [...new Set(files)], problems };
}

/** Streams the file once: sha256 of the bytes as stored, and line/blank-line bookkeeping of the text. */
export async function scanFile(file: string, onBytes?: (n: number) => void): Promise<ScannedFile> {
  const format = formatOf(file) ?? "jsonl";
  const sizeBytes = fs.statSync(file).size;
  const hash = crypto.createHash("sha256");
  let readPath = file;
  let tempDir: string | undefined;
  if (file.toLowerCase().endsWith(".gz")) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-gz-"));
    readPath = path.join(tempDir, path.basename(file, path.extname(file)));
    const source = fs.createReadStream(file);
    source.on("data", (chunk) => {
      hash.update(chunk as Buffer);
      onBytes?.((chunk as Buffer).length);
    });
    try {
      await pipeline(source, zlib.createGunzip(), fs.createWriteStream(readPath));
    } catch (error) {
      fs.rmSync(tempDir, { recursive: true, force: true });
      throw new Error(`${file}: not a readable gzip file (${(error as Error).message})`);
    }
  }
  const counter = new LineCounter();
  const stream = fs.createReadStream(readPath, { highWaterMark: 4 << 20 });
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    if (!tempDir) {
      hash.update(buf);
      onBytes?.(buf.length);
    }
    counter.push(buf);
  }
  counter.end();
  return {
    path: file,
    readPath,
    format,
    sizeBytes,
    sha256: hash.digest("hex"),
    lines: counter.lines,
    blankLines: counter.blankLines,
    startsWithBom: counter.startsWithBom,
    endsWithNewline: counter.endsWithNewline,
    lineStarts: counter.lineStarts(),
    cleanup: () => {
      if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

const NL = 10;
const isSpace = (b: number) => b === 32 || b === 9 || b === 13;

/** Counts lines and notes white-space-only ones, chunk by chunk (a line may span chunks). */
class LineCounter {
  lines = 0;
  blankLines: number[] = [];
  startsWithBom = false;
  private first = true;
  private lineHasContent = false;
  private lineHasBytes = false;
  private starts = new Float64Array(1 << 16);
  private offset = 0;

  lineStarts(): Float64Array {
    return this.starts.subarray(0, this.lines);
  }

  private noteStart(at: number) {
    if (this.lines >= this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[this.lines] = at;
  }

  endsWithNewline = true;

  push(buf: Buffer) {
    if (buf.length > 0) this.endsWithNewline = buf[buf.length - 1] === NL;
    const base = this.offset;
    this.offset += buf.length;
    let start = 0;
    if (this.lines === 0 && !this.lineHasBytes && !this.lineHasContent) this.noteStart(base);
    if (this.first) {
      this.first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        this.startsWithBom = true;
        start = 3;
      }
    }
    while (start < buf.length) {
      const nl = buf.indexOf(NL, start);
      const end = nl === -1 ? buf.length : nl;
      if (!this.lineHasContent && end > start) {
        this.lineHasBytes = true;
        // Most lines start with '{': only scan further when the first byte is white space.
        for (let i = start; i < end; i++) {
          if (!isSpace(buf[i] as number)) {
            this.lineHasContent = true;
            break;
          }
        }
      }
      if (nl === -1) break;
      this.closeLine();
      start = nl + 1;
      this.noteStart(base + start);
    }
  }

  end() {
    if (this.lineHasBytes || this.lineHasContent) this.closeLine();
  }

  private closeLine() {
    this.lines++;
    if (!this.lineHasContent) this.blankLines.push(this.lines);
    this.lineHasContent = false;
    this.lineHasBytes = false;
  }
}

/** Returns the raw text of the given 1-based lines, read at their recorded offsets (no rescan of the file). */
export function readLines(file: ScannedFile, wanted: number[]): Map<number, string> {
  const out = new Map<number, string>();
  if (wanted.length === 0) return out;
  const fd = fs.openSync(file.readPath, "r");
  try {
    const size = fs.fstatSync(fd).size;
    for (const line of new Set(wanted)) {
      const start = file.lineStarts[line - 1];
      if (start === undefined) continue;
      const end = file.lineStarts[line] ?? size;
      const buf = Buffer.alloc(end - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      out.set(
        line,
        buf
          .toString("utf8")
          .replace(/\r?\n$/, "")
          .replace(/\r$/, ""),
      );
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
